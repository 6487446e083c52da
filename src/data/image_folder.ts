// Node-only: a Dataset of images from class subfolders (Keras' image_dataset_from_directory), PNG via pngjs, JPEG via jpeg-js.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import pngjs from 'pngjs';
import jpeg from 'jpeg-js';
import { Tensor } from '../tensor/tensor.js';
import { resizeImage, type Interpolation } from '../layers/preprocessing/image_ops.js';
import { Dataset } from './dataset.js';

export interface ImageFolderOptions {
  /** [height, width] every image is resized to (bilinear by default); omit to require equal sizes. */
  imageSize?: [number, number];
  /** 1 (grayscale), 3 (RGB, default) or 4 (RGBA). */
  channels?: 1 | 3 | 4;
  /** 'int' (default): int32 class index; 'categorical': one-hot float32. */
  labelMode?: 'int' | 'categorical';
  interpolation?: Interpolation;
}

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** Decodes a PNG or JPEG file into float32 [height, width, channels] with values in 0..255. */
export function decodeImage(file: string, channels: 1 | 3 | 4 = 3): Tensor {
  const bytes = readFileSync(file);
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  if (bytes[0] === 0x89 && bytes[1] === 0x50) {
    const png = pngjs.PNG.sync.read(bytes);
    ({ width, height } = png);
    rgba = png.data;
  } else if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    ({ width, height } = img);
    rgba = img.data;
  } else {
    throw new Error(`data.fromImageFolder: ${file} is neither a PNG nor a JPEG file`);
  }
  const out = new Float32Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    if (channels === 1) {
      // NOTE: TensorFlow's rgb_to_grayscale weights (ITU-R 601-2 luma).
      out[p] = 0.2989 * rgba[4 * p] + 0.587 * rgba[4 * p + 1] + 0.114 * rgba[4 * p + 2];
    } else {
      for (let c = 0; c < channels; c++) out[p * channels + c] = rgba[4 * p + c];
    }
  }
  return new Tensor(out, [height, width, channels], 'float32');
}

/**
 * Images under `dir/<class name>/*.png|jpg`, classes sorted by name (their index is the label), files sorted:
 * elements `[image float32 [h, w, c] in 0..255, label]`. Decoding is lazy, one image per element.
 * @example data.fromImageFolder('flowers', { imageSize: [64, 64] }).shuffle(1000).batch(32)
 */
export function fromImageFolder(dir: string, options: ImageFolderOptions = {}): Dataset & { classNames: string[] } {
  const classNames = readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory()).sort();
  if (classNames.length === 0) throw new Error(`data.fromImageFolder: ${dir} has no class subfolders`);
  const files: { path: string; label: number }[] = [];
  classNames.forEach((c, label) => {
    for (const f of readdirSync(join(dir, c)).sort()) if (EXTENSIONS.has(extname(f).toLowerCase())) files.push({ path: join(dir, c, f), label });
  });
  const channels = options.channels ?? 3;
  const size = options.imageSize;
  const k = classNames.length;
  let first: number[] | null = null;
  const ds = new Dataset((_salt) => {
    let i = 0;
    return {
      next: () => {
        if (i >= files.length) return { value: undefined, done: true as const };
        const { path, label } = files[i++];
        let img = decodeImage(path, channels);
        if (size) img = resizeImage(img, size[0], size[1], options.interpolation ?? 'bilinear');
        first ??= img.shape;
        if (img.shape.join() !== first.join()) {
          throw new Error(`data.fromImageFolder: ${path} has shape [${img.shape.join(', ')}], expected [${first.join(', ')}] like the first image; pass imageSize to resize`);
        }
        const y = options.labelMode === 'categorical'
          ? new Tensor(Float32Array.from({ length: k }, (_, j) => (j === label ? 1 : 0)), [k], 'float32')
          : new Tensor(Int32Array.of(label), [], 'int32');
        return { value: [img, y], done: false as const };
      },
    };
  }, files.length);
  return Object.assign(ds, { classNames });
}
