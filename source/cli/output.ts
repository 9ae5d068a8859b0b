// How commands print: plain text for people, one JSON document with --json for scripts.

export interface OutputOptions {
  json?: boolean;
}

/** Prints `json` as one JSON document with --json, else the human text. */
export function emit(argv: OutputOptions, human: string | string[], json: unknown): void {
  if (argv.json) {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else {
    const text = Array.isArray(human) ? human.join('\n') : human;
    if (text.length > 0) process.stdout.write(text + '\n');
  }
}

/** Left-aligned text table with a header row, columns as wide as their widest cell. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
