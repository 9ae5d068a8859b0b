// Control characters in text a user typed or a server sent: refused in names and notes,
// folded to a space in mail headers and log lines. A loop over code points rather than a
// regular expression with control characters in it, which reads as a mistake to linters.

/** C0 controls and DEL; with `c1`, also the C1 controls and the Unicode line separators. */
function isControl(code: number, c1: boolean): boolean {
  if (code <= 0x1f || code === 0x7f) return true;
  return c1 && ((code >= 0x80 && code <= 0x9f) || code === 0x2028 || code === 0x2029);
}

/** Whether `text` holds a control character (`c1`: C1 controls and line separators count too). */
export function hasControlCharacter(text: string, options: { c1?: boolean; allowTab?: boolean } = {}): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (options.allowTab && code === 0x09) continue;
    if (isControl(code, options.c1 ?? false)) return true;
  }
  return false;
}

/** `text` with each run of C0 controls and DEL replaced by `replacement`. */
export function replaceControlCharacters(text: string, replacement: string): string {
  let out = '';
  let inRun = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isControl(code, false)) {
      if (!inRun) out += replacement;
      inRun = true;
    } else {
      out += text[i];
      inRun = false;
    }
  }
  return out;
}
