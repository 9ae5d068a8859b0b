// The run's CSV export (issue 17.5, 17.17): an error-text column, local times with the UTC
// offset as the screen shows them, and the data dir's exports/ made on first use.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { AccountRunRecord } from '../../source/engine/syncModel.ts';
import { zeroCounters } from '../../source/engine/types.ts';
import { parseCsv } from '../../source/store/csv.ts';
import { exportsDirOf, writeUserTextFile } from '../../source/store/dataDir.ts';
import { localIsoWithOffset, runCsv } from '../../source/store/runCsv.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const failed: AccountRunRecord = {
  runId: 'run1',
  syncId: 'sync1',
  account: 'ben@example.com',
  status: 'failed',
  planned: false,
  counters: { ...zeroCounters(), messages: 10, downloaded: 3, errors: 2 },
  errors: [
    { at: '2026-12-04T16:05:00.000Z', code: 'AUTH_FAILED', detail: 'login as ben refused, "twice"' },
    { at: '2026-12-04T16:06:00.000Z', code: 'CONNECTION_LOST', detail: 'the server closed the connection' },
  ],
  log: [],
  startedAt: '2026-12-04T16:00:00.000Z',
  completedAt: '2026-12-04T16:07:00.000Z',
};

test('local ISO 8601 with the offset: the same instant, the hour the screen shows', () => {
  const text = localIsoWithOffset('2026-12-04T16:05:00.000Z');
  assert.match(text, /^2026-12-0\dT\d\d:\d\d:00[+-]\d\d:\d\d$/);
  assert.equal(Date.parse(text), Date.parse('2026-12-04T16:05:00.000Z'));
  assert.equal(Number(text.slice(11, 13)), new Date('2026-12-04T16:05:00.000Z').getHours());
  assert.equal(localIsoWithOffset(undefined), '');
});

test('the CSV has the error text and local times', () => {
  const [header, row] = parseCsv(runCsv([failed])).map((record) => record.fields);
  assert.deepEqual(header!.slice(-3), ['Errors', 'Complete Time', 'Error Text']);
  const at = (name: string) => row![header!.indexOf(name)]!;
  assert.equal(at('User'), 'ben@example.com');
  assert.equal(at('Msgs DL'), '3');
  assert.equal(at('Complete Time'), localIsoWithOffset(failed.completedAt));
  assert.ok(!at('Complete Time').endsWith('Z'));
  const errors = at('Error Text').split('\n');
  assert.equal(errors.length, 2);
  assert.ok(errors[0]!.endsWith('AUTH_FAILED: login as ben refused, "twice"'), errors[0]);
  assert.ok(errors[1]!.includes('CONNECTION_LOST: the server closed the connection'));
});

test('a file in the data dir exports/ gets the folder made; elsewhere no folder is made', () => {
  const dataDir = makeTempDir('imap-migrate-exports-');
  const file = path.join(exportsDirOf(dataDir), 'run.csv');
  writeUserTextFile(file, runCsv([failed]), { dataDir });
  assert.ok(fs.readFileSync(file, 'utf8').includes('ben@example.com'));
  assert.throws(
    () => writeUserTextFile(path.join(dataDir, 'nowhere', 'run.csv'), 'x', { dataDir }),
    /cannot write .*nowhere/,
  );
});
