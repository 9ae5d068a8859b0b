// Parents before children (source/engine/hierarchyOrder.ts): tasks come out shallowest first, and
// a child's work starts only once its parent's has ended, however that ended.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HierarchyOrder } from '../../source/engine/hierarchyOrder.ts';

const task = (destPath: string) => ({ pair: { destPath } });

test('tasks come out parents first', () => {
  const order = new HierarchyOrder([task('a/b/c'), task('x'), task('a/b'), task('a')], '/');
  assert.deepEqual(
    order.tasks.map((t) => t.pair.destPath),
    ['x', 'a', 'a/b', 'a/b/c'],
  );
});

test('a child waits for its parent, even one that failed; unrelated folders do not wait', async () => {
  const [parent, child, other] = [task('a'), task('a.b'), task('z')];
  const order = new HierarchyOrder([child, parent, other], '.');
  const events: string[] = [];
  let releaseParent!: () => void;
  const parentGate = new Promise<void>((resolve) => (releaseParent = resolve));
  const runs = [
    order
      .inOrder(child, async () => {
        events.push('child');
      })
      .then(() => undefined),
    order
      .inOrder(parent, async () => {
        await parentGate;
        events.push('parent');
        throw new Error('parent failed');
      })
      .catch(() => events.push('parent error')),
    order.inOrder(other, async () => {
      events.push('other');
    }),
  ];
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(events, ['other'], 'the child is held while its parent runs');
  releaseParent();
  await Promise.all(runs);
  assert.ok(events.indexOf('child') > events.indexOf('parent'), 'the child ran once its parent had failed');
  assert.deepEqual([...events].sort(), ['child', 'other', 'parent', 'parent error']);
});
