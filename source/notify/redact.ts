// Security code: what keeps a password, key or token out of a notification mail (docs/spec.md N1:
// no credential in a mail). Two nets, applied to the finished subject and body:
//  - every string found under a secret-like key anywhere in the event is masked wherever it shows,
//    also when a line break (CRLF, folding whitespace, or the space a header's line break became)
//    splits it;
//  - values the text itself labels as secret (`password=...`, `Token: ...`, `Bearer ...`, a PEM
//    private key block) are masked even when the event did not hold them under such a key.
// Over-masking is the accepted cost: a mail with a stray ******** is better than one with a password.

export const MASK = '********';

/** Keys whose string values (at any depth below them) are secrets. */
const SECRET_KEY = /pass(word|wd|phrase)?$|password|secret|token|api_?key|private_?key|access_?key/i;
/** Shorter values are not masked (they would garble ordinary words); no real password is that short. */
const MIN_SECRET_LENGTH = 3;
/** How deep the event is walked: far deeper than any event nests. */
const MAX_DEPTH = 8;

/** Every string under a secret-like key anywhere in the value, longest first (bounded walk, cycles skipped). */
export function collectSecrets(value: unknown): string[] {
  const found = new Set<string>();
  const seen = new Set<object>();
  const walk = (node: unknown, depth: number, secretKey: boolean) => {
    if (typeof node === 'string') {
      if (secretKey && node.length >= MIN_SECRET_LENGTH) found.add(node);
      return;
    }
    if (node === null || typeof node !== 'object' || depth > MAX_DEPTH || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) walk(item, depth + 1, secretKey);
      return;
    }
    for (const [key, child] of Object.entries(node)) walk(child, depth + 1, secretKey || SECRET_KEY.test(key));
  };
  walk(value, 0, false);
  return [...found].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A pattern for the secret that also matches it with whitespace (line breaks, folding) between any
 * two of its characters: a value wrapped or folded on its way into the text is still found.
 */
function secretPattern(secret: string): RegExp | undefined {
  const characters = Array.from(secret).filter((character) => !/\s/.test(character));
  if (characters.length < MIN_SECRET_LENGTH) return undefined;
  return new RegExp(characters.map(escapeRegExp).join('\\s*'), 'g');
}

/** `password=x`, `pass: x`, `Token: x`, `api-key "x"`...: the label stays, the value goes. */
const LABELLED_SECRET =
  /\b(passwords?|passwd|pwd|pass|passphrase|secret|token|(?:api|access|private|secret)[_-]?key)(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s;,]+)/gi;
/** HTTP-style credentials: `Bearer <token>`, `Basic <base64>`. */
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]{8,}/g;
/** A PEM private key, whole (its lines may have become spaces). */
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g;

/** The text with each given secret, and each value the text labels as secret, replaced by the mask. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text.replace(PEM_PRIVATE_KEY, MASK);
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    const pattern = secretPattern(secret);
    if (pattern) result = result.replace(pattern, MASK);
  }
  return result
    .replace(LABELLED_SECRET, (_match, label: string, separator: string) => `${label}${separator}${MASK}`)
    .replace(AUTH_SCHEME, (_match, scheme: string, space: string) => `${scheme}${space}${MASK}`);
}

/** A redactor for the mails of one event: the secrets it holds, masked in any text given. */
export function redactorFor(event: unknown): (text: string) => string {
  const secrets = collectSecrets(event);
  return (text) => redact(text, secrets);
}
