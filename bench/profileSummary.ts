// Summarizes a V8 .cpuprofile (node --cpu-prof): self time by function and by package/file,
// to see where an imap-migrate run spends its CPU. Usage: node --import tsx bench/profileSummary.ts FILE [TOP]
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const [file, topText] = process.argv.slice(2);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};
const top = Number(topText ?? 25);
const selfMs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++)
  selfMs.set(profile.samples[i], (selfMs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const ms = selfMs.get(node.id) ?? 0;
  total += ms;
  const url = node.callFrame.url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, 'nm:')
    .replace(/.*\/work\/main\//, '');
  const name = `${node.callFrame.functionName || '(anonymous)'} ${url}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  const area = node.callFrame.url
    ? url.replace(/^nm:((@[^/]+\/)?[^/]+).*/, '$1').replace(/^(source\/[^/]+\/[^/]+).*/, '$1')
    : node.callFrame.functionName;
  byArea.set(area, (byArea.get(area) ?? 0) + ms);
}
const wall = (profile.endTime - profile.startTime) / 1000;
const show = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${name}`);
};
console.log(`profile ${wall.toFixed(0)} ms wall, ${total.toFixed(0)} ms sampled`);
show('by area', byArea);
show('by function (self)', byFunction);
