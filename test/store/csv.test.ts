import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCsv, parseCsv } from '../../source/store/csv.ts';

test('csv: quotes, doubled quotes, commas, CRLF and LF, BOM, blank lines, physical line numbers', () => {
  const text = '\uFEFFemail,password,admin\r\na@x,"p,w ""q""",yes\r\n\r\n  \nb@x,,\n"c@x","multi\nline",no\n';
  const records = parseCsv(text);
  assert.deepEqual(
    records.map((r) => [r.line, r.fields]),
    [
      [1, ['email', 'password', 'admin']],
      [2, ['a@x', 'p,w "q"', 'yes']],
      [5, ['b@x', '', '']],
      [6, ['c@x', 'multi\nline', 'no']],
    ],
  );
  assert.ok(records.every((r) => !r.error));
});

test('csv: last line without newline, trailing comma, bad quoting is reported per record', () => {
  assert.deepEqual(
    parseCsv('a,b,').map((r) => r.fields),
    [['a', 'b', '']],
  );
  const records = parseCsv('x,"ab"c,z\ny,a"b,z\n"open,never\nclosed\n');
  assert.match(records[0].error ?? '', /after the closing quote/);
  assert.match(records[1].error ?? '', /quote inside an unquoted field/);
  assert.match(records[2].error ?? '', /opened on line 3 is never closed/);
  assert.equal(records.length, 3);
});

test('csv: formatCsv quotes what needs it and parses back to the same fields', () => {
  const rows = [
    ['email', 'password', 'admin'],
    ['a@x', ' lead, "q" ', 'yes'],
    ['b@x', 'plain', 'no'],
  ];
  const text = formatCsv(rows);
  assert.equal(text.split('\n')[1], 'a@x," lead, ""q"" ",yes');
  assert.deepEqual(
    parseCsv(text).map((r) => r.fields),
    rows,
  );
});
