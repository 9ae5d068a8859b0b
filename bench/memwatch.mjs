// Preload for `npm run bench -- --node-options "--import ./bench/memwatch.mjs"`: samples
// process.memoryUsage() every 20 ms and prints at exit, on one line (to stderr, which the bench
// shows): the peak of each part, what each part was when RSS peaked, the garbage collections
// (count and pause time by kind) and the process's CPU time.
// MEMWATCH_TRACE=<file>: every sample is also written there (epoch ms, then rss, heapUsed,
// external, arrayBuffers in MB), for a timeline.
// MEMWATCH_SMAPS=1: the resident memory by kind of mapping (/proc/self/smaps) when mail starts
// to move, at the RSS peak and at exit: "file" (code), "brk" (malloc's main heap: Buffers' bytes),
// "arena" (malloc's heaps of other threads), "anon" (the V8 heap and large allocations).
import fs from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';

const keys = ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'];
const peak = Object.fromEntries(keys.map((k) => [k, 0]));
let atRssPeak = peak;
const trace = process.env.MEMWATCH_TRACE ? [] : undefined;
const mbs = (n) => (n / 1048576).toFixed(1);

const gc = { major: [0, 0], minor: [0, 0], other: [0, 0] };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = entry.detail?.kind;
    const key =
      kind === constants.NODE_PERFORMANCE_GC_MAJOR
        ? 'major'
        : kind === constants.NODE_PERFORMANCE_GC_MINOR
          ? 'minor'
          : 'other';
    gc[key][0]++;
    gc[key][1] += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

/** Resident MB by kind of mapping. */
function smaps() {
  const groups = {};
  let kind = '';
  for (const line of fs.readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (m) {
      const start = parseInt(m[1], 16);
      const size = parseInt(m[2], 16) - start;
      const name = m[3];
      // glibc's heaps of other threads are 64 MB-aligned mappings of at most 64 MB
      kind =
        name === '[heap]'
          ? 'brk'
          : name.startsWith('/')
            ? 'file'
            : name
              ? 'other'
              : start % (64 << 20) === 0 && size <= 64 << 20
                ? 'arena'
                : 'anon';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) groups[kind] = (groups[kind] || 0) + Number(rss[1]);
  }
  return Object.entries(groups)
    .map(([k, kb]) => `${k} ${(kb / 1024).toFixed(1)}`)
    .join(' ');
}
const withSmaps = Boolean(process.env.MEMWATCH_SMAPS);
let smapsAtStart = '';
let smapsAtPeak = '';
let smapsPeakRss = 0;

const timer = setInterval(() => {
  const now = process.memoryUsage();
  if (withSmaps && !smapsAtStart && now.arrayBuffers > 3 << 20) smapsAtStart = smaps();
  if (now.rss > peak.rss) {
    atRssPeak = now;
    if (withSmaps && now.rss > smapsPeakRss + (2 << 20)) {
      smapsPeakRss = now.rss;
      smapsAtPeak = smaps();
    }
  }
  for (const key of keys) peak[key] = Math.max(peak[key], now[key]);
  trace?.push([Date.now(), mbs(now.rss), mbs(now.heapUsed), mbs(now.external), mbs(now.arrayBuffers)].join(' '));
}, 20);
timer.unref();

process.on('exit', () => {
  const mb = (n) => `${Math.round(n / 1048576)} MB`;
  const list = (o) => keys.map((k) => `${k} ${mb(o[k])}`).join(', ');
  const gcs = Object.entries(gc)
    .map(([k, [n, ms]]) => `${k} ${n}x ${Math.round(ms)} ms`)
    .join(', ');
  const cpu = process.cpuUsage();
  const maps = withSmaps
    ? `; smaps MB when mail moves: ${smapsAtStart}; at the RSS peak: ${smapsAtPeak}; at exit: ${smaps()}`
    : '';
  process.stderr.write(
    `memwatch peaks: ${list(peak)}; at the RSS peak: ${list(atRssPeak)}; gc ${gcs}; cpu ${Math.round((cpu.user + cpu.system) / 1000)} ms${maps}\n`,
  );
  if (trace) fs.writeFileSync(process.env.MEMWATCH_TRACE, trace.join('\n') + '\n');
});
