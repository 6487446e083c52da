// Keras preprocessing layers against goldens from scripts/golden/preprocessing.py (TF resize / projective-transform formulas).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../../src/tensor/tensor.js';
import { tensor } from '../../../src/tensor/creation.js';
import { loadGolden } from '../../helpers/golden.js';
import { assertConfigRoundTrip } from '../harness.js';
import {
  CenterCrop, Normalization, RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, Rescaling, Resizing,
  affineTransform, resizeImage, rotationTransforms, translationTransforms, zoomTransforms, type FillMode, type Interpolation,
} from '../../../src/layers/preprocessing/index.js';
import { lookupSerializable } from '../../../src/saving/registry.js';
import { Dataset } from '../../../src/data/index.js';
import { Sequential } from '../../../src/models/index.js';
import { Dense, Flatten } from '../../../src/layers/index.js';
import { setRandomSeed } from '../../../src/random/rng.js';

interface Arr { shape: number[]; data: number[] }
const G = loadGolden<{
  images: Arr;
  resize: { size: [number, number]; interpolation: Interpolation; out: Arr }[];
  affine: { kind: string; params: Record<string, number[]>; matrices: number[][]; interpolation: Interpolation; fill_mode: FillMode; fill_value: number; out: Arr }[];
  contrast: { factors: number[]; out: Arr }[];
  normalization: { data: Arr; mean: Arr; variance: Arr };
}>('preprocessing.json');
const t = (a: Arr): Tensor => tensor(a.data, a.shape, 'float32');
const images = t(G.images);
const [, H, W] = G.images.shape;

function close(actual: Tensor, expected: Arr, tol: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - expected.data[i]) / (1 + Math.abs(expected.data[i])));
  assert.ok(worst <= tol, `${what}: max relative error ${worst}`);
}

describe('preprocessing kernels vs goldens', () => {
  it('resize: bilinear and nearest, down and up (tf.image.resize, half-pixel centers)', () => {
    for (const c of G.resize) close(resizeImage(images, c.size[0], c.size[1], c.interpolation), c.out, 1e-5, `resize ${c.size} ${c.interpolation}`);
  });

  it('rotation, translation and zoom transforms x fill modes x interpolation (ImageProjectiveTransformV3)', () => {
    assert.equal(G.affine.length, 32);
    for (const c of G.affine) {
      const p = c.params;
      const ours = c.kind === 'rotation' ? rotationTransforms(p.angles, H, W)
        : c.kind === 'zoom' ? zoomTransforms(p.zw, p.zh, H, W) : translationTransforms(p.dx, p.dy);
      ours.forEach((m, i) => m.forEach((v, k) => assert.ok(Math.abs(v - c.matrices[i][k]) < 1e-12, `${c.kind} matrix`)));
      close(affineTransform(images, ours, c.interpolation, c.fill_mode, c.fill_value), c.out, 1e-5, `${c.kind} ${c.interpolation} ${c.fill_mode}`);
    }
  });
});

describe('preprocessing layers', () => {
  it('Rescaling and Normalization (adapt on a tensor and on a Dataset of batches agree with NumPy)', async () => {
    const r = new Rescaling({ scale: 1 / 127.5, offset: -1 });
    assert.deepEqual(Array.from(r.apply(tensor([0, 127.5, 255], [3], 'float32')).dataSync()), [-1, 0, 1]);
    assertConfigRoundTrip(r, Rescaling);
    const x = t(G.normalization.data);
    for (const source of [x, Dataset.fromTensors(x).batch(7)]) {
      const norm = new Normalization();
      await norm.adapt(source);
      const [mean, variance] = norm.getWeights();
      close(mean, G.normalization.mean, 1e-6, 'mean');
      close(variance, G.normalization.variance, 1e-6, 'variance');
      const y = norm.apply(x);
      const col = Array.from(y.dataSync()).filter((_, i) => i % 4 === 0);
      assert.ok(Math.abs(col.reduce((a, b) => a + b) / col.length) < 1e-5, 'normalized mean ~0');
    }
    const fixed = new Normalization({ mean: 2, variance: 4, invert: true });
    assert.deepEqual(Array.from(fixed.apply(tensor([1, -1], [2], 'float32')).dataSync()), [4, 0]);
    const back = assertConfigRoundTrip(fixed, Normalization);
    assert.deepEqual(back.getConfig().mean, [2]);
  });

  it('Resizing, CenterCrop and RandomCrop shapes and values', () => {
    const r = new Resizing({ height: 3, width: 4 });
    close(r.apply(images), G.resize.find((c) => c.size.join() === '3,4' && c.interpolation === 'bilinear')!.out, 1e-5, 'Resizing layer');
    assertConfigRoundTrip(r, Resizing);
    const cc = new CenterCrop({ height: 3, width: 2 });
    const out = cc.apply(images);
    assert.deepEqual(out.shape, [2, 3, 2, 2]);
    const src = images.array() as number[][][][];
    assert.deepEqual(out.array(), src.map((im) => im.slice(1, 4).map((row) => row.slice(2, 4))));
    assert.deepEqual(new CenterCrop({ height: 8, width: 8 }).apply(images).shape, [2, 8, 8, 2]);
    const rc = new RandomCrop({ height: 3, width: 3, seed: 1 });
    const a = rc.apply(images, { training: true }).array() as number[][][][];
    // The random window is one of the valid windows of the image.
    const windows = [];
    for (let i = 0; i <= H - 3; i++) for (let j = 0; j <= W - 3; j++) windows.push(JSON.stringify(src[0].slice(i, i + 3).map((row) => row.slice(j, j + 3))));
    assert.ok(windows.includes(JSON.stringify(a[0])));
    assert.deepEqual(rc.apply(images).shape, [2, 3, 3, 2]);
    assertConfigRoundTrip(rc, RandomCrop);
  });

  it('RandomContrast applies the Keras formula per image with clipping', () => {
    const c = G.contrast[0];
    // Through the layer's own kernel with the golden factors:
    const layer = new RandomContrast({ factor: 0.9, seed: 3 });
    const out = layer.apply(images, { training: true });
    assert.notDeepEqual(Array.from(out.dataSync()), Array.from(images.dataSync()));
    for (const v of out.dataSync()) assert.ok(v >= 0 && v <= 255);
    close(adjust(images, c.factors), c.out, 1e-5, 'contrast');
    assertConfigRoundTrip(layer, RandomContrast);
  });

  it('random layers are identity in inference, seeded in training, serializable and registered', () => {
    const make = [
      () => new RandomFlip({ mode: 'horizontal', seed: 4 }),
      () => new RandomRotation({ factor: 0.2, seed: 4 }),
      () => new RandomTranslation({ heightFactor: 0.2, widthFactor: [-0.1, 0.3], seed: 4, fillMode: 'constant' }),
      () => new RandomZoom({ heightFactor: [-0.3, 0.2], seed: 4, interpolation: 'nearest' }),
      () => new RandomContrast({ factor: 0.5, seed: 4 }),
    ];
    for (const m of make) {
      const layer = m();
      assert.equal(layer.apply(images), images, `${layer.className} inference is identity`);
      const a = layer.apply(images, { training: true });
      assert.deepEqual(Array.from(m().apply(images, { training: true }).dataSync()), Array.from(a.dataSync()), `${layer.className} seeded`);
      assert.ok(lookupSerializable('layer', layer.className), `${layer.className} registered`);
      assertConfigRoundTrip(layer, layer.constructor as never);
    }
    // RandomFlip flips whole images left-right, some but (with this seed) not necessarily all
    const flip = new RandomFlip({ mode: 'horizontal', seed: 4 }).apply(images, { training: true }).array() as number[][][][];
    const src = images.array() as number[][][][];
    flip.forEach((im, b) => assert.ok(JSON.stringify(im) === JSON.stringify(src[b]) || JSON.stringify(im) === JSON.stringify(src[b].map((r) => [...r].reverse()))));
  });

  it('an augmentation model trains with fit on a Dataset of images', async () => {
    setRandomSeed(2);
    const model = new Sequential([
      new Rescaling({ scale: 1 / 255, inputShape: [H, W, 2] }),
      new RandomFlip('horizontal'),
      new RandomRotation(0.05),
      new Flatten(),
      new Dense(2, { activation: 'softmax' }),
    ]);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const y = tensor([0, 1], [2], 'int32');
    const h = await model.fit(Dataset.fromTensors([images, y]).batch(2).repeat(3), { epochs: 2, verbose: 0 });
    assert.ok(h.history.loss.every(Number.isFinite));
  });
});

/** The contrast kernel via the layer module (same code path as RandomContrast.call). */
import { adjustContrast } from '../../../src/layers/preprocessing/image_ops.js';
function adjust(x: Tensor, factors: number[]): Tensor {
  return adjustContrast(x, factors, 0, 255);
}
