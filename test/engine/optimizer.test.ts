// The optimizing compiler deferred (source/cli/runtimeTuning.ts): a function that runs hot while it
// is deferred stays unoptimized, and it is optimized once the run copies enough or lasts long
// enough. Checked in a child process with V8's own view (%GetOptimizationStatus).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const MODULE = pathToFileURL(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../source/cli/runtimeTuning.ts'),
).href;
/** V8's OptimizationStatus bit for "optimized". */
const OPTIMIZED = 16;

async function statuses(how: 'bytes' | 'time' | 'never deferred'): Promise<{ before: number; after: number }> {
  const script = `
    import { tuneRuntime, noteBodiesHeld, OPTIMIZE_AFTER_BYTES } from ${JSON.stringify(MODULE)};
    if (${JSON.stringify(how)} !== 'never deferred') tuneRuntime(${how === 'time' ? 200 : 60_000});
    function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
    const warm = () => { for (let k = 0; k < 3000; k++) hot(1000); };
    warm();
    const before = %GetOptimizationStatus(hot);
    if (${JSON.stringify(how)} === 'bytes') { noteBodiesHeld(OPTIMIZE_AFTER_BYTES / 2); noteBodiesHeld(OPTIMIZE_AFTER_BYTES / 2); }
    else await new Promise((resolve) => setTimeout(resolve, 300));
    warm();
    console.log(JSON.stringify({ before, after: %GetOptimizationStatus(hot) }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--allow-natives-syntax',
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    script,
  ]);
  return JSON.parse(stdout);
}

test('deferred, a hot function is not optimized until the bodies copied reach the threshold', async () => {
  const { before, after } = await statuses('bytes');
  assert.equal(before & OPTIMIZED, 0);
  assert.equal(after & OPTIMIZED, OPTIMIZED);
});

test('deferred, the optimizer comes on by itself after the set time', async () => {
  const { before, after } = await statuses('time');
  assert.equal(before & OPTIMIZED, 0);
  assert.equal(after & OPTIMIZED, OPTIMIZED);
});

test('a process that did not defer it (a test, the library) optimizes as usual', async () => {
  const { before } = await statuses('never deferred');
  assert.equal(before & OPTIMIZED, OPTIMIZED);
});
