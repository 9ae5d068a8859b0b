// Every V8 flag the program sets, and why; the figures behind each are in BENCHMARKS.md
// ("Runtime tuning"). The CLI's entry calls tuneRuntime() once; the composition root hands
// noteBodiesHeld() to the byte budget, so that the engine itself sets no flag. V8 flags are
// process-wide, hence the module state: each flag is set at most once per process.
//
// - --max-semi-space-size=1 (a small young generation): message bodies are short-lived Buffers;
//   collecting them sooner keeps the peak memory of a sync down. V8 sizes the young generation
//   when the heap is set up, before any of our code runs, so this one is passed on the command
//   line: by the bin's shebang (bin/imap-migrate.js) and `npm start` (package.json), and by the
//   bench (bench/run.ts). SEMI_SPACE_FLAG names it for them.
// - --no-opt, then --opt (the optimizing compiler deferred): the passes that keep accounts in
//   step until the MX change mostly last under a second, and in such a short run TurboFan spends
//   much of the process's CPU optimizing functions that then hardly run (on 2 cores it also takes
//   CPU from servers on the same machine), while a long copy needs it. So it is off at start and
//   comes on after OPTIMIZE_AFTER_MS, or as soon as the bodies held reach OPTIMIZE_AFTER_BYTES.
// - --heap-growing-percent: a body lives through its FETCH and its APPEND, long enough to reach
//   the old generation, which V8 collects only once the heap has grown well past what survived
//   the last full collection (by a factor of up to 4); bodies copied at tens of MB/s then pile up
//   as garbage and the process keeps their pages. Set once bodies start to be held (the first
//   share of the byte budget), so commands that copy no mail are unaffected.
import v8 from 'node:v8';

/** The young-generation flag of the shebang and the start script (see above). */
export const SEMI_SPACE_FLAG = '--max-semi-space-size=1';
export const OPTIMIZE_AFTER_MS = 2000;
export const OPTIMIZE_AFTER_BYTES = 16 * 1024 * 1024;
/** How much the old generation may grow past what survived a full collection before the next one. */
export const HEAP_GROWING_PERCENT = 100;

let optimizer: 'default' | 'deferred' | 'on' = 'default';
let bodyBytes = 0;
let heapGrowthSet = false;

/** The CLI's entry, once: defers the optimizing compiler (a second call changes nothing). */
export function tuneRuntime(optimizeAfterMs = OPTIMIZE_AFTER_MS): void {
  deferOptimizer(optimizeAfterMs);
}

/** Turns the optimizing compiler off until optimizeFromNowOn() (process-wide, once). */
export function deferOptimizer(afterMs = OPTIMIZE_AFTER_MS): void {
  if (optimizer !== 'default') return;
  optimizer = 'deferred';
  v8.setFlagsFromString('--no-opt');
  setTimeout(optimizeFromNowOn, afterMs).unref();
}

/** Turns it back on, for functions hot from now on (those already hot tier up at their next check). */
export function optimizeFromNowOn(): void {
  if (optimizer !== 'deferred') return;
  optimizer = 'on';
  v8.setFlagsFromString('--opt');
}

/** Counts the bytes of bodies taken into memory: a run that copies this much is a long one. */
export function noteBodyBytes(bytes: number): void {
  if (optimizer !== 'deferred') return;
  bodyBytes += bytes;
  if (bodyBytes >= OPTIMIZE_AFTER_BYTES) optimizeFromNowOn();
}

/** Has V8 collect the old generation once it grew by HEAP_GROWING_PERCENT (process-wide, once). */
export function keepHeapGrowthLow(): void {
  if (heapGrowthSet) return;
  heapGrowthSet = true;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** What the byte budget calls as it hands out a share: bodies are about to be held in memory. */
export function noteBodiesHeld(bytes: number): void {
  keepHeapGrowthLow();
  noteBodyBytes(bytes);
}
