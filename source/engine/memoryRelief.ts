// Getting the memory of message bodies back soon. A body is a Buffer whose bytes live outside the
// JS heap, and V8 frees them only when it collects the Buffer object. A body lives through its
// FETCH and its APPEND, long enough to be moved to the old generation, which is collected only
// when the heap has grown well past what survived the last collection (by a factor of up to 4)
// or when external memory has grown by some 64 MB. Bodies copied at tens of MB/s then pile up as
// garbage, and the process keeps the pages they took: its peak RSS is that pile (BENCHMARKS.md).
import v8 from 'node:v8';

/**
 * How much the old generation may grow past what survived a full collection before the next one
 * (V8's --heap-growing-percent; without it V8 picks 10–300 % by its own estimate of GC speed).
 * Measured on the bench (`medium`, S1, 4 threads, with the imapflow patch of the same commit):
 * peak RSS 147–161 MB without it, 127–138 MB with 100 (~37 full collections instead of ~40, CPU
 * time unchanged), 131–132 MB with 50 (~70 of them, ~1 s more CPU).
 */
export const HEAP_GROWING_PERCENT = 100;

let heapGrowthSet = false;

/**
 * Has V8 collect the old generation once it grew by HEAP_GROWING_PERCENT (at least ~8 MB, V8's
 * floor), from the next full collection on. Process-wide and once: called when bodies start to
 * be held (the first share of the byte budget), so commands that copy no mail are unaffected.
 */
export function keepHeapGrowthLow(): void {
  if (heapGrowthSet) return;
  heapGrowthSet = true;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * Gives back the memory of a body that is no longer needed without waiting for a full
 * collection: its bytes move to a new ArrayBuffer (a transfer, not a copy) that nothing
 * references, which the next young-generation collection frees (within milliseconds), and the
 * Buffer passed in is left empty (length 0), as is any other view of the same memory. Only a
 * Buffer that owns all of its ArrayBuffer is emptied, not one of the small Buffers that share a
 * pool nor a view into a larger buffer. Returns whether it was emptied.
 *
 * Only for a body whose APPEND has completed (the server answered, so it read all of it) and that
 * nothing will read again.
 */
export function discardBody(body: Buffer): boolean {
  const memory = body.buffer;
  if (!(memory instanceof ArrayBuffer) || body.byteLength === 0) return false;
  if (body.byteOffset !== 0 || body.byteLength !== memory.byteLength) return false;
  try {
    structuredClone(memory, { transfer: [memory] });
    return true;
  } catch {
    // not transferable: left to the collector
    return false;
  }
}

/**
 * Discards the body of every item (see discardBody) and empties the list. A function of its
 * own so that no local variable of the (async) caller holds a body afterwards: the locals of a
 * suspended async function stay alive across its later awaits, whatever block they belong to.
 */
export function releaseBodies(items: { body: Buffer }[]): void {
  for (const item of items) discardBody(item.body);
  items.length = 0;
}
