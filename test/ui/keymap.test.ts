import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyClashes, layerCommands, type Command } from '../../source/ui/keymap.ts';

const global: Command[] = ['help', 'back', 'quit'];

test('no key means two commands on one screen (with the global keys), nor in a dialog', () => {
  for (const [layer, commands] of Object.entries(layerCommands)) {
    const all = layer === 'dialog' ? [...commands] : [...commands, ...global];
    assert.deepEqual(keyClashes(all), [], `${layer}: ${keyClashes(all).join('; ')}`);
  }
});

test('a clash is found: n is both new sync and No', () => {
  assert.deepEqual(keyClashes(['newSync', 'no']), ['n: newSync, no']);
});
