import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Key } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { DirectoryScreen } from '../../source/ui/directory/DirectoryScreen.tsx';
import { keyOfChar, ScreenRouter, splitKeypresses } from '../../source/ui/router.tsx';
import { createFakeBackend } from './fakeBackend.ts';
import { frame, press, waitFor } from './wizard/support.ts';

afterEach(() => cleanup());

const split = (input: string, key: Key, editing = false) => {
  const out: { input: string; key: Key }[] = [];
  splitKeypresses(
    input,
    key,
    () => editing,
    (i, k) => out.push({ input: i, key: k }),
  );
  return out;
};
const plain = keyOfChar('x').key;

test('a chunk of letters is one key each outside a text field, and one piece of text inside one', () => {
  assert.deepEqual(
    split('jjjj', plain).map((p) => p.input),
    ['j', 'j', 'j', 'j'],
  );
  assert.deepEqual(
    split('jjjj', plain, true).map((p) => p.input),
    ['jjjj'],
  );
  const mixed = split('ab\u007F\u007Fc\r', plain, true);
  assert.deepEqual(
    mixed.map((p) => [p.input, p.key.delete, p.key.return]),
    [
      ['ab', false, false],
      ['', true, false],
      ['', true, false],
      ['c', false, false],
      ['', false, true],
    ],
  );
  assert.deepEqual(
    split('\u0015G', plain).map((p) => [p.input, p.key.ctrl, p.key.shift]),
    [
      ['u', true, false],
      ['G', false, true],
    ],
  );
  // One escape sequence (Ink already cut them apart) stays whole.
  const up = { ...plain, upArrow: true };
  assert.deepEqual(split('', up), [{ input: '', key: up }]);
});

async function renderDirectory() {
  const app = render(
    <ScreenRouter>
      <DirectoryScreen backend={createFakeBackend()} isActive width={80} height={22} onBack={() => {}} />
    </ScreenRouter>,
  );
  await waitFor(app, '2 of 2 accounts');
  return app;
}

test('keys that arrive in one read each take effect: jj moves two rows, kk back', async () => {
  const app = await renderDirectory();
  await press(app, 'jj');
  await waitFor(app, /› ben@example\.com/);
  await press(app, 'kk');
  await waitFor(app, /› ann@example\.com/);
});

test('three Backspaces in one read delete three characters; a paste into a field is text', async () => {
  const app = await renderDirectory();
  await press(app, 'n');
  await waitFor(app, 'Add an account');
  await press(app, 'cat@example.comxyz');
  await waitFor(app, 'cat@example.comxyz');
  await press(app, '\u007F\u007F\u007F');
  await waitFor(app, (f) => f.includes('cat@example.com') && !f.includes('cat@example.comx'));
  // q and ? typed into the field being edited are text, not quit or help.
  await press(app, 'q?');
  await waitFor(app, 'cat@example.comq?');
  assert.match(frame(app), /Add an account/);
});
