// Compiles the TypeScript sources into dist/ with esbuild (one bundle of our code, with the
// lazily loaded commands split into chunks; npm packages stay external). The CLI then starts
// without a TypeScript loader: about half the start-up CPU.
//
// Each build goes to its own folder, dist/<stamp>/, and dist/current.json names the newest,
// so that a process starting while another builds never sees a half-written bundle.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time under source/ (and of package.json), in ms. */
export function sourceStamp(root = ROOT) {
  let newest = fs.statSync(path.join(root, 'package.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  walk(path.join(root, 'source'));
  return Math.floor(newest);
}

/** The entry file of the current build when it is as new as the sources, else undefined. */
export function freshBuild(root = ROOT) {
  try {
    const current = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'current.json'), 'utf8'));
    const entry = path.join(root, 'dist', current.dir, 'main.js');
    return current.stamp >= sourceStamp(root) && fs.existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

export async function buildDist(root = ROOT) {
  // Loaded only to build: a fresh dist/ starts without it (~12 MB).
  const { build } = await import('esbuild');
  const stamp = sourceStamp(root);
  const dir = `${stamp}-${process.pid}`;
  const outdir = path.join(root, 'dist', dir);
  await build({
    entryPoints: [path.join(root, 'source/cli/main.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir,
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'error',
  });
  const pointer = path.join(root, 'dist', `current.json.${process.pid}`);
  fs.writeFileSync(pointer, JSON.stringify({ dir, stamp }));
  fs.renameSync(pointer, path.join(root, 'dist', 'current.json'));
  // Older builds are removed once a minute has passed (a process may still be loading one).
  for (const entry of fs.readdirSync(path.join(root, 'dist'), { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === dir) continue;
    const full = path.join(root, 'dist', entry.name);
    if (Date.now() - fs.statSync(full).mtimeMs > 60_000) fs.rmSync(full, { recursive: true, force: true });
  }
  return path.join(outdir, 'main.js');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = await buildDist();
  process.stdout.write(`built ${path.relative(ROOT, entry)}\n`);
}
