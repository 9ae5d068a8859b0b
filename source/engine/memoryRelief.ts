// Getting the memory of message bodies back soon. A body is a Buffer whose bytes live outside the
// JS heap, and V8 frees them only when it collects the Buffer object; a body lives long enough to
// reach the old generation, collected late (see source/cli/runtimeTuning.ts, which owns the V8
// flags that help with it). Here: giving a body's memory back as soon as it is appended.
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
