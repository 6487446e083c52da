// Image kernels of the preprocessing layers (channels-last float32 [batch?, h, w, c]): TensorFlow's resize and projective transform.
// NOTE: these are data kernels (no gradients), as Keras' augmentation layers; one source of truth for the layers and data.fromImageFolder.
import { Tensor } from '../../tensor/tensor.js';

export type Interpolation = 'bilinear' | 'nearest';
export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';

/** [batch, h, w, c] dims of an image or a batch of images (rank 3 is one image). */
export function imageDims(x: Tensor, who: string): { n: number; h: number; w: number; c: number; batched: boolean } {
  if (x.rank !== 3 && x.rank !== 4) throw new Error(`${who}: expected images of rank 3 [h, w, c] or 4 [batch, h, w, c], received shape [${x.shape.join(', ')}]`);
  const batched = x.rank === 4;
  const [n, h, w, c] = batched ? x.shape : [1, ...x.shape];
  return { n, h, w, c, batched };
}

function f32(x: Tensor): Float32Array {
  return x.data instanceof Float32Array ? x.data : Float32Array.from(x.data as ArrayLike<number>);
}

/**
 * tf.image.resize (half-pixel centers, no antialias): bilinear samples at (out + 0.5) * scale - 0.5 with edge
 * clamping; nearest takes floor((out + 0.5) * scale).
 */
export function resizeImage(x: Tensor, height: number, width: number, interpolation: Interpolation = 'bilinear'): Tensor {
  const { n, h, w, c, batched } = imageDims(x, 'resize');
  const src = f32(x);
  const out = new Float32Array(n * height * width * c);
  const sy = h / height;
  const sx = w / width;
  const axis = (len: number, outLen: number, scale: number): { lo: Int32Array; hi: Int32Array; t: Float64Array } => {
    const lo = new Int32Array(outLen);
    const hi = new Int32Array(outLen);
    const t = new Float64Array(outLen);
    for (let o = 0; o < outLen; o++) {
      if (interpolation === 'nearest') {
        lo[o] = hi[o] = Math.min(Math.floor((o + 0.5) * scale), len - 1);
        continue;
      }
      const v = (o + 0.5) * scale - 0.5;
      const fl = Math.floor(v);
      lo[o] = Math.max(fl, 0);
      hi[o] = Math.min(Math.ceil(v), len - 1);
      t[o] = v - fl;
    }
    return { lo, hi, t };
  };
  const Y = axis(h, height, sy);
  const X = axis(w, width, sx);
  let p = 0;
  for (let b = 0; b < n; b++) {
    const base = b * h * w * c;
    for (let i = 0; i < height; i++) {
      const r0 = base + Y.lo[i] * w * c;
      const r1 = base + Y.hi[i] * w * c;
      const ty = Y.t[i];
      for (let j = 0; j < width; j++) {
        const c0 = X.lo[j] * c;
        const c1 = X.hi[j] * c;
        const tx = X.t[j];
        for (let k = 0; k < c; k++) {
          const top = src[r0 + c0 + k] + (src[r0 + c1 + k] - src[r0 + c0 + k]) * tx;
          const bottom = src[r1 + c0 + k] + (src[r1 + c1 + k] - src[r1 + c0 + k]) * tx;
          out[p++] = top + (bottom - top) * ty;
        }
      }
    }
  }
  return new Tensor(out, batched ? [n, height, width, c] : [height, width, c], 'float32');
}

/** Rows [top, top + height) and columns [left, left + width) of every image. */
export function cropImage(x: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const { n, h, w, c, batched } = imageDims(x, 'crop');
  if (top < 0 || left < 0 || top + height > h || left + width > w) throw new Error(`crop: window [${top}:${top + height}, ${left}:${left + width}] is outside images of ${h}x${w}`);
  const src = f32(x);
  const out = new Float32Array(n * height * width * c);
  let p = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < height; i++) {
      const from = ((b * h + top + i) * w + left) * c;
      out.set(src.subarray(from, from + width * c), p);
      p += width * c;
    }
  }
  return new Tensor(out, batched ? [n, height, width, c] : [height, width, c], 'float32');
}

/** Keras' crop_to_aspect_ratio: the largest centred window with the target's aspect ratio, then resized. */
export function resizeCroppedToAspect(x: Tensor, height: number, width: number, interpolation: Interpolation): Tensor {
  const { h, w } = imageDims(x, 'resize');
  const ch = Math.max(Math.min(h, Math.trunc((w * height) / width)), 1);
  const cw = Math.max(Math.min(w, Math.trunc((h * width) / height)), 1);
  const cropped = ch === h && cw === w ? x : cropImage(x, Math.trunc((h - ch) / 2), Math.trunc((w - cw) / 2), ch, cw);
  return ch === height && cw === width ? cropped : resizeImage(cropped, height, width, interpolation);
}

/** TensorFlow's map_coordinate for a fill mode (ImageProjectiveTransformV3). */
function mapCoordinate(v: number, len: number, mode: FillMode): number {
  if (mode === 'constant') return v;
  if (mode === 'nearest') return Math.min(Math.max(v, 0), len - 1);
  let u = v;
  if (mode === 'reflect') {
    if (u < 0) {
      if (len <= 1) u = 0;
      else {
        const sz2 = 2 * len;
        if (u < sz2) u = sz2 * Math.trunc(-u / sz2) + u;
        u = u < -len ? u + sz2 : -u - 1;
      }
    } else if (u > len - 1) {
      if (len <= 1) u = 0;
      else {
        const sz2 = 2 * len;
        u -= sz2 * Math.trunc(u / sz2);
        if (u >= len) u = sz2 - u - 1;
      }
    }
  } else if (u < 0) {
    u = len <= 1 ? 0 : u + len * (Math.trunc(-u / (len - 1)) + 1);
  } else if (u > len - 1) {
    u = len <= 1 ? 0 : u - len * Math.trunc(u / (len - 1));
  }
  return Math.min(Math.max(u, 0), len - 1);
}

/**
 * tf.raw_ops.ImageProjectiveTransformV3 (Keras' affine_transform): output pixel (x, y) samples the input at
 * ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1; one 8-vector per image (or one for all).
 */
export function affineTransform(x: Tensor, transforms: readonly (readonly number[])[], interpolation: Interpolation = 'bilinear', fillMode: FillMode = 'reflect', fillValue = 0): Tensor {
  const { n, h, w, c } = imageDims(x, 'affineTransform');
  if (transforms.length !== n && transforms.length !== 1) throw new Error(`affineTransform: expected ${n} transforms (one per image) or 1, received ${transforms.length}`);
  const src = f32(x);
  const out = new Float32Array(n * h * w * c);
  const read = (base: number, yy: number, xx: number, k: number): number =>
    yy >= 0 && yy < h && xx >= 0 && xx < w ? src[base + (yy * w + xx) * c + k] : fillValue;
  let p = 0;
  for (let b = 0; b < n; b++) {
    const t = transforms.length === 1 ? transforms[0] : transforms[b];
    const base = b * h * w * c;
    for (let oy = 0; oy < h; oy++) {
      for (let ox = 0; ox < w; ox++) {
        const proj = t[6] * ox + t[7] * oy + 1;
        if (proj === 0) {
          for (let k = 0; k < c; k++) out[p++] = fillValue;
          continue;
        }
        const xi = mapCoordinate((t[0] * ox + t[1] * oy + t[2]) / proj, w, fillMode);
        const yi = mapCoordinate((t[3] * ox + t[4] * oy + t[5]) / proj, h, fillMode);
        if (interpolation === 'nearest') {
          // NOTE: std::round rounds halves away from zero (Math.round does not for negatives).
          const ry = Math.sign(yi) * Math.round(Math.abs(yi));
          const rx = Math.sign(xi) * Math.round(Math.abs(xi));
          for (let k = 0; k < c; k++) out[p++] = read(base, ry, rx, k);
          continue;
        }
        const y0 = Math.floor(yi);
        const x0 = Math.floor(xi);
        const y1 = y0 + 1;
        const x1 = x0 + 1;
        for (let k = 0; k < c; k++) {
          const top = (x1 - xi) * read(base, y0, x0, k) + (xi - x0) * read(base, y0, x1, k);
          const bottom = (x1 - xi) * read(base, y1, x0, k) + (xi - x0) * read(base, y1, x1, k);
          out[p++] = (y1 - yi) * top + (yi - y0) * bottom;
        }
      }
    }
  }
  return new Tensor(out, [...x.shape], 'float32');
}

/** Keras' pad_to_aspect_ratio: the image centred on a `fillValue` canvas with the target's aspect ratio, then resized. */
export function resizePaddedToAspect(x: Tensor, height: number, width: number, interpolation: Interpolation, fillValue: number): Tensor {
  const { n, h, w, c, batched } = imageDims(x, 'resize');
  const ph = Math.max(h, Math.trunc((w * height) / width));
  const pw = Math.max(w, Math.trunc((h * width) / height));
  let padded = x;
  if (ph !== h || pw !== w) {
    const top = Math.trunc((ph - h) / 2);
    const left = Math.trunc((pw - w) / 2);
    const src = f32(x);
    const out = new Float32Array(n * ph * pw * c).fill(fillValue);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < h; i++) out.set(src.subarray(((b * h + i) * w) * c, ((b * h + i) * w + w) * c), ((b * ph + top + i) * pw + left) * c);
    }
    padded = new Tensor(out, batched ? [n, ph, pw, c] : [ph, pw, c], 'float32');
  }
  return ph === height && pw === width ? padded : resizeImage(padded, height, width, interpolation);
}

/** Flips the images whose `flags[b]` is set, left-right and/or up-down. */
export function flipImages(x: Tensor, flags: readonly boolean[], horizontal: boolean, vertical: boolean): Tensor {
  const { n, h, w, c } = imageDims(x, 'flip');
  const src = f32(x);
  const out = new Float32Array(src.length);
  for (let b = 0; b < n; b++) {
    const fh = horizontal && flags[b];
    const fv = vertical && flags[b];
    for (let i = 0; i < h; i++) {
      const si = fv ? h - 1 - i : i;
      for (let j = 0; j < w; j++) {
        const sj = fh ? w - 1 - j : j;
        const from = ((b * h + si) * w + sj) * c;
        const to = ((b * h + i) * w + j) * c;
        for (let k = 0; k < c; k++) out[to + k] = src[from + k];
      }
    }
  }
  return new Tensor(out, [...x.shape], 'float32');
}

/** tf.image.adjust_contrast per image ((x - mean over h, w) * factor + mean), clipped to [lo, hi] as Keras' RandomContrast. */
export function adjustContrast(x: Tensor, factors: readonly number[], lo: number, hi: number): Tensor {
  const { n, h, w, c } = imageDims(x, 'adjustContrast');
  const src = f32(x);
  const out = new Float32Array(src.length);
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * hw * c;
    for (let k = 0; k < c; k++) {
      let sum = 0;
      for (let p = 0; p < hw; p++) sum += src[base + p * c + k];
      const mean = Math.fround(sum / hw);
      for (let p = 0; p < hw; p++) {
        const v = (src[base + p * c + k] - mean) * factors[b] + mean;
        out[base + p * c + k] = Math.min(Math.max(v, lo), hi);
      }
    }
  }
  return new Tensor(out, [...x.shape], 'float32');
}
