// The one place that reads imapflow's undocumented members and what patches/imapflow+2.10.2.patch
// relies on (docs/patches.md). Nothing else in source/ casts an ImapFlow: after an upgrade of
// imapflow, this file is what to check against its source.
import type { ImapFlow } from 'imapflow';
import type { ResponseSection, WireAttribute } from './wire.ts';

/** What imapflow's (untyped) exec() resolves with: the tagged response, and the call that releases the next command. */
interface ExecResult {
  response: { attributes?: { section?: ResponseSection }[] };
  next: () => void;
}

/** The members of an ImapFlow that its typings leave out. */
interface FlowInternals {
  /** What the last LIST learned of each folder; SELECT of an unknown folder sends a LIST first. */
  folders: Map<string, unknown>;
  /** The extensions ENABLE switched on (UTF8=ACCEPT, CONDSTORE...). */
  enabled?: Set<string>;
  /** Set when the server mishandled BINARY once: no literal8 on this connection then. */
  disableBinary?: boolean;
  exec(command: string, attributes: unknown[], options?: unknown): Promise<ExecResult>;
}

function internals(client: ImapFlow): FlowInternals {
  return client as unknown as FlowInternals;
}

/** The folder listing imapflow keeps, to hand to another session of the same user. */
export function folderListing(client: ImapFlow): ReadonlyMap<string, unknown> {
  return internals(client).folders;
}

/** Takes over another session's listing for folders this one has not listed itself. */
export function adoptFolderListing(client: ImapFlow, listing: ReadonlyMap<string, unknown>): void {
  const folders = internals(client).folders;
  for (const [path, entry] of listing) if (!folders.has(path)) folders.set(path, entry);
}

/** Whether UTF8=ACCEPT is enabled: folder names then go on the wire as UTF-8, not modified UTF-7. */
export function utf8Accepted(client: ImapFlow): boolean {
  return internals(client).enabled?.has('UTF8=ACCEPT') ?? false;
}

/** Whether imapflow turned BINARY off for this connection. */
export function binaryDisabled(client: ImapFlow): boolean {
  return Boolean(internals(client).disableBinary);
}

/**
 * Runs one raw command and returns the response code section of its tagged OK. With LITERAL+ the
 * patched compiler sends every literal non-synchronizing and each large one as a frame of its own
 * (no copy into one buffer): a MULTIAPPEND is then one round trip.
 */
export async function execCommand(
  client: ImapFlow,
  command: string,
  attributes: WireAttribute[],
): Promise<ResponseSection> {
  const result = await internals(client).exec(command, attributes);
  const section = result.response.attributes?.[0]?.section;
  result.next();
  return section;
}
