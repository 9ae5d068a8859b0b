// V8's optimizing compiler (TurboFan), deferred until the process shows it will run long.
// The passes that keep accounts in step until the MX change mostly find little to do and last
// under a second, and in such a short run TurboFan spends about a third of the process's CPU
// optimizing functions that then hardly run (on 2 cores it also takes CPU from the servers on
// the same machine). Measured with `npm run bench -- medium --threads 4` (BENCHMARKS.md): S3's
// CPU 1.22 → 0.82 s and S2's 0.60 → 0.43 s without it, while a long copy (S1) needs it (CPU 5.2
// → 6.7 s without). So the optimizer is off at start and comes on after OPTIMIZE_AFTER_MS, or as
// soon as the bodies copied reach OPTIMIZE_AFTER_BYTES, whichever comes first.
import v8 from 'node:v8';

export const OPTIMIZE_AFTER_MS = 2000;
export const OPTIMIZE_AFTER_BYTES = 16 * 1024 * 1024;

let state: 'default' | 'deferred' | 'on' = 'default';
let bodyBytes = 0;

/** Turns the optimizing compiler off until optimizeFromNowOn() (process-wide, once; the CLI's entry). */
export function deferOptimizer(afterMs = OPTIMIZE_AFTER_MS): void {
  if (state !== 'default') return;
  state = 'deferred';
  v8.setFlagsFromString('--no-opt');
  setTimeout(optimizeFromNowOn, afterMs).unref();
}

/** Turns it back on, for functions hot from now on (those already hot tier up at their next check). */
export function optimizeFromNowOn(): void {
  if (state !== 'deferred') return;
  state = 'on';
  v8.setFlagsFromString('--opt');
}

/** Counts the bytes of bodies taken into memory: a run that copies this much is a long one. */
export function noteBodyBytes(bytes: number): void {
  if (state !== 'deferred') return;
  bodyBytes += bytes;
  if (bodyBytes >= OPTIMIZE_AFTER_BYTES) optimizeFromNowOn();
}
