// examples/cnn_fashion_mnist.ts (the README's CNN quick start), reduced with --quick: trains, evaluates, reloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRun, runNode } from './spawn.js';

test('the Fashion-MNIST CNN example learns (--quick) and reloads with identical predictions', async () => {
  const r = await runNode('build/examples/cnn_fashion_mnist.js', ['--quick'], 180_000);
  assert.equal(r.code, 0, describeRun(r));
  assert.match(r.stdout, /Total params: 421,642/, r.stdout);
  const m = /CNN test accuracy (\d\.\d+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) > 0.6, `accuracy ${m[1]} after one quick epoch`);
  assert.match(r.stdout, /identical predictions/);
});
