// Account detail (docs/spec.md A1–A4): counters, error log and download log (each scrollable), back.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { App } from '../../source/ui/App.tsx';
import { createFakeBackend } from './fakeBackend.ts';
import { cleanup, linesOf, press, renderSized, waitForFrame } from './support.ts';

afterEach(cleanup);

async function openBen(size = { columns: 100, rows: 30 }) {
  const backend = createFakeBackend();
  const ben = backend.accountRunsByRun.get('run0002')![1]!;
  ben.log = Array.from({ length: 40 }, (_, i) => ({
    at: '2026-11-30T09:00:02.000Z',
    text: `folder F${i}: copied ${i}`,
  }));
  ben.errors.push({
    at: '2026-11-30T09:01:30.000Z',
    code: 'FETCH_FAILED',
    detail: 'INBOX uid 7: the server closed the connection while sending the message body, after 3 retries',
  });
  const app = renderSized(<App backend={backend} />, size);
  await waitForFrame(app.lastFrame, 'SyncAll');
  await press(app, 'open');
  await waitForFrame(app.lastFrame, 'ben@example.com');
  await press(app, 'down', 'open');
  await waitForFrame(app.lastFrame, 'Account ben@example.com');
  return app;
}

test('the fields of A1 and both logs, the latest download lines first in view', async () => {
  const app = await openBen();
  const frame = await waitForFrame(app.lastFrame, (f) => f.includes('FETCH_FAILED') && f.includes('F39'));
  for (const text of [
    'User',
    'Status',
    'failed',
    'Total Messages',
    'Messages Downloaded',
    'Messages Deleted',
    'Duplicates Deleted',
    'Folders Created',
    'Folders Deleted',
    'Flags Changed',
    'Complete Time',
    'Errors',
  ]) {
    assert.ok(frame.includes(text), `${text} in\n${frame}`);
  }
  assert.match(frame, /\d\d:01:00 AUTH_FAILED login as ben refused by imap\.old\.example:143 \(STARTTLS\)/);
  // A long error detail is wrapped, not cut.
  assert.ok(frame.includes('after 3 retries'), frame);
  // The download log follows its end.
  assert.ok(frame.includes('folder F39: copied 39') && !frame.includes('folder F0:'), frame);
});

test('Tab moves between the logs; arrows, PgUp and g scroll the focused one; G follows again', async () => {
  const app = await openBen();
  await press(app, 'focusNext');
  await waitForFrame(app.lastFrame, 'Tab to error log');
  await press(app, 'up');
  let frame = await waitForFrame(app.lastFrame, (f) => !f.includes('F39:'));
  assert.ok(frame.includes('F38:'));
  await press(app, 'top');
  frame = await waitForFrame(app.lastFrame, 'folder F0: copied 0');
  assert.match(frame, /1-\d+ of 40/);
  await press(app, 'pageDown');
  await waitForFrame(app.lastFrame, (f) => !f.includes('folder F0:'));
  await press(app, 'bottom');
  await waitForFrame(app.lastFrame, 'F39:');
});

test('Esc returns to the sync', async () => {
  const app = await openBen();
  await press(app, 'back');
  await waitForFrame(app.lastFrame, 'Date Created');
});

test('at 80x24 it fits', async () => {
  const app = await openBen({ columns: 80, rows: 24 });
  const frame = await waitForFrame(app.lastFrame, (f) => f.includes('FETCH_FAILED') && f.includes('F39'));
  assert.ok(linesOf(frame).length <= 23);
  assert.ok(linesOf(frame).every((l) => [...l].length <= 80));
});
