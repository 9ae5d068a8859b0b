// A small RFC 4180 CSV reader and writer: quoted fields, doubled quotes, CRLF or LF,
// a leading BOM. Parsing only (no I/O). Each record keeps the physical line it starts
// on, so a bad row can be reported as the line a person sees in an editor.

export interface CsvRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  fields: string[];
  /** Why the record is malformed (the fields are then best effort). */
  error?: string;
}

/** Parses CSV text. Blank (or whitespace-only) lines are skipped. */
export function parseCsv(text: string): CsvRecord[] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const n = input.length;
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  while (i < n) {
    const record: CsvRecord = { line, fields: [] };
    let anyQuoted = false;
    let atEnd = false;
    while (!atEnd) {
      let field = '';
      if (input[i] === '"') {
        anyQuoted = true;
        const openedOn = line;
        i++;
        let closed = false;
        while (i < n) {
          const c = input[i];
          if (c === '"') {
            if (input[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (!closed) {
          record.error ??= `a quoted field opened on line ${openedOn} is never closed`;
          record.fields.push(field);
          records.push(record);
          return records;
        }
        // Only a comma or the end of the line may follow a closing quote.
        if (i < n && input[i] !== ',' && input[i] !== '\n' && !(input[i] === '\r' && input[i + 1] === '\n')) {
          record.error ??= 'text after the closing quote of a field (double a quote inside a quoted field: "")';
          while (i < n && input[i] !== ',' && input[i] !== '\n' && !(input[i] === '\r' && input[i + 1] === '\n')) i++;
        }
      } else {
        while (i < n && input[i] !== ',' && input[i] !== '\n' && !(input[i] === '\r' && input[i + 1] === '\n')) {
          field += input[i];
          i++;
        }
        if (field.includes('"')) {
          record.error ??= 'a quote inside an unquoted field (quote the whole field and double the quote: "")';
        }
      }
      record.fields.push(field);
      if (i < n && input[i] === ',') {
        i++;
        continue; // "a,b," at the very end reads a last empty field next
      }
      // end of line or of input
      if (input[i] === '\r') i += 2;
      else if (input[i] === '\n') i++;
      if (input[i - 1] === '\n') line++;
      atEnd = true;
    }
    const blank = !anyQuoted && record.fields.length === 1 && record.fields[0].trim() === '' && !record.error;
    if (!blank) records.push(record);
  }
  return records;
}

/** Quotes a field when it needs it: comma, quote, line break, or leading/trailing space. */
export function formatCsvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV text with LF line endings and a final newline. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(formatCsvField).join(',')).join('\n') + (rows.length > 0 ? '\n' : '');
}
