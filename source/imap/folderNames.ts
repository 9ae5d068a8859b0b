// Translating a folder path from the source server's naming to the destination's (docs/spec.md E1, E2):
// hierarchy separators, personal-namespace prefixes ("INBOX." on Courier/Cyrus), INBOX in any
// case, a name holding the other side's separator, and special-use folders whose names differ.
// Paths here are already decoded from modified UTF-7 by imapflow.

export interface Naming {
  /** Hierarchy separator, e.g. "/" or ".". */
  delimiter: string;
  /** Personal namespace prefix including its trailing separator ("INBOX." on Courier), or "". */
  prefix: string;
}

export interface TranslatedName {
  path: string;
  /** Set when a name part had to change because it held the destination's separator. */
  rewritten?: { from: string; to: string };
}

/** Replacement for a destination separator found inside one name part. */
const SEPARATOR_STAND_IN: Record<string, string> = { '/': '_', '.': '_', '\\': '_' };

function isInbox(name: string): boolean {
  return name.toUpperCase() === 'INBOX';
}

/** Splits a server path into name parts, without its namespace prefix; INBOX normalized. */
export function pathParts(path: string, naming: Naming): string[] {
  let rest = path;
  if (
    naming.prefix &&
    path.toUpperCase().startsWith(naming.prefix.toUpperCase()) &&
    path.length > naming.prefix.length
  ) {
    rest = path.slice(naming.prefix.length);
  }
  const parts = naming.delimiter ? rest.split(naming.delimiter) : [rest];
  if (parts.length > 0 && isInbox(parts[0])) parts[0] = 'INBOX';
  return parts;
}

/** Joins name parts into a destination path, adding the destination's prefix (never to INBOX itself). */
export function joinParts(parts: string[], naming: Naming): TranslatedName {
  const changed: string[] = [];
  const safe = parts.map((part) => {
    if (naming.delimiter && part.includes(naming.delimiter)) {
      const fixed = part.split(naming.delimiter).join(SEPARATOR_STAND_IN[naming.delimiter] ?? '_');
      changed.push(part);
      return fixed;
    }
    return part;
  });
  const underInbox = isInbox(safe[0] ?? '');
  const joined = safe.join(naming.delimiter);
  const path = underInbox || !naming.prefix ? joined : naming.prefix + joined;
  if (changed.length > 0) {
    return { path, rewritten: { from: parts.join(' > '), to: path } };
  }
  return { path };
}

/** Source path → destination path, without special-use mapping. */
export function translatePath(sourcePath: string, source: Naming, destination: Naming): TranslatedName {
  return joinParts(pathParts(sourcePath, source), destination);
}

/** A key under which two paths from different servers count as the same folder. */
export function folderKey(path: string, naming: Naming): string {
  return pathParts(path, naming).join('\u0000');
}
