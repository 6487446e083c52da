// The lab's data helpers: the book's task A / task B relabelling, image rotation and the rotation task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from 'layerwise';
import { rot90, rotationTask, taskA, taskB, take } from '../../examples/chapter11/lab/data.js';

const labels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 6, 5];
const split = {
  // image i is filled with the value i, so the rows that survive can be traced
  x: tensor(labels.flatMap((_, i) => Array(4).fill(i)), [labels.length, 2, 2]),
  y: tensor(labels, [labels.length], 'int32'),
};

test('taskA keeps the 8 classes without sandal (5) and shirt (6), labels above 6 shifted down by 2', () => {
  const a = taskA(split);
  assert.deepEqual(Array.from(a.y.dataSync()), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(Array.from(a.x.dataSync()).filter((_, i) => i % 4 === 0), [0, 1, 2, 3, 4, 7, 8, 9]);
});

test('taskB is shirt (1) vs sandal (0), as float labels of shape [n, 1]', () => {
  const b = taskB(split);
  assert.deepEqual(b.y.shape, [4, 1]);
  assert.equal(b.y.dtype, 'float32');
  assert.deepEqual(Array.from(b.y.dataSync()), [0, 1, 1, 0]);
  assert.deepEqual(Array.from(b.x.dataSync()).filter((_, i) => i % 4 === 0), [5, 6, 10, 11]);
  assert.equal(take(b, 2).x.shape[0], 2);
});

test('rot90 turns each image counter-clockwise like np.rot90, and four turns are the identity', () => {
  const n = 3;
  const m = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
  const img = tensor(m.flat(), [1, n, n]);
  // np.rot90 definition: out[i][j] = m[j][n - 1 - i]
  const turn = (a: number[][]): number[][] => a.map((_, i) => a.map((__, j) => a[j][n - 1 - i]));
  assert.deepEqual(rot90(img, 1).array(), [turn(m)]);
  assert.deepEqual(rot90(img, 2).array(), [turn(turn(m))]);
  assert.deepEqual(rot90(img, 3).array(), [turn(turn(turn(m)))]);
  assert.deepEqual(rot90(img, 4).array(), img.array());
});

test('rotationTask labels every image with the rotation applied to it', () => {
  const x = tensor(Array.from({ length: 8 * 4 }, (_, i) => i % 4), [8, 2, 2]);
  const task = rotationTask(x);
  assert.deepEqual(task.x.shape, [8, 2, 2]);
  const ys = Array.from(task.y.dataSync());
  assert.deepEqual(ys, [0, 0, 1, 1, 2, 2, 3, 3]);
  ys.forEach((k, i) => assert.deepEqual(task.x.sliceAxis(0, i, i + 1).array(), rot90(x.sliceAxis(0, 0, 1), k).array()));
});
