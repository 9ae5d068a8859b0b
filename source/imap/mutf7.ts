// Modified UTF-7 (RFC 3501 5.1.3) for folder names sent in commands imapflow does not build
// itself (MULTIAPPEND): printable ASCII as is ("&" as "&-"), other runs as UTF-16 in base64
// with "," for "/", between "&" and "-".
export function encodeModifiedUtf7(name: string): string {
  let out = '';
  let run = '';
  const flush = () => {
    if (!run) return;
    const utf16 = Buffer.alloc(run.length * 2);
    for (let i = 0; i < run.length; i++) utf16.writeUInt16BE(run.charCodeAt(i), i * 2);
    out += '&' + utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
    run = '';
  };
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e) {
      flush();
      out += code === 0x26 ? '&-' : name[i];
    } else {
      run += name[i];
    }
  }
  flush();
  return out;
}
