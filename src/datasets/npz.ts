// NumPy .npy / .npz reader (np.save, np.savez, np.savez_compressed) into layerwise Tensors.
import { unzipSync } from 'fflate';
import { Tensor } from '../tensor/tensor.js';
import type { DType, TypedArray } from '../tensor/dtype.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function parseHeader(text: string, name: string): NpyHeader {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    throw new Error(`readNpy: ${name}: malformed header, expected 'descr', 'fortran_order' and 'shape', received ${JSON.stringify(text.trim())}`);
  }
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`readNpy: ${name}: bad shape (${shape[1]})`);
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: dims };
}

/** Element decoders by kind+size; little/big endianness comes from the descr prefix. */
function decode(descr: string, view: DataView, offset: number, count: number, name: string, copy = true): { dtype: DType; data: TypedArray } {
  const m = /^([<>|=])([biuf])(\d+)$/.exec(descr);
  if (!m) throw new Error(`readNpy: ${name}: unsupported dtype '${descr}' (expected bool, integer or float)`);
  const little = m[1] !== '>';
  const kind = m[2];
  const size = Number(m[3]);
  const need = count * size;
  if (view.byteLength - offset !== need) {
    throw new Error(`readNpy: ${name}: expected ${need} data bytes for ${count} elements of '${descr}', received ${view.byteLength - offset}`);
  }
  const at = (i: number): number => offset + i * size;
  // Little-endian float32 aligned in memory: a view (copy = false) or one memcpy instead of a DataView loop.
  if (kind === 'f' && size === 4 && little && (view.byteOffset + offset) % 4 === 0) {
    const f32 = new Float32Array(view.buffer, view.byteOffset + offset, count);
    return { dtype: 'float32', data: copy ? f32.slice() : f32 };
  }
  if (kind === 'b' && size === 1) return { dtype: 'bool', data: new Uint8Array(view.buffer, view.byteOffset + offset, count).slice() };
  if (kind === 'u' && size === 1) return { dtype: 'uint8', data: new Uint8Array(view.buffer, view.byteOffset + offset, count).slice() };
  if (kind === 'f' && (size === 4 || size === 8)) {
    const out = size === 4 ? new Float32Array(count) : new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = size === 4 ? view.getFloat32(at(i), little) : view.getFloat64(at(i), little);
    return { dtype: size === 4 ? 'float32' : 'float64', data: out };
  }
  if ((kind === 'i' || kind === 'u') && [1, 2, 4, 8].includes(size)) {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const p = at(i);
      let v: number | bigint;
      if (size === 1) v = kind === 'i' ? view.getInt8(p) : view.getUint8(p);
      else if (size === 2) v = kind === 'i' ? view.getInt16(p, little) : view.getUint16(p, little);
      else if (size === 4) v = kind === 'i' ? view.getInt32(p, little) : view.getUint32(p, little);
      else v = kind === 'i' ? view.getBigInt64(p, little) : view.getBigUint64(p, little);
      const n = Number(v);
      if (n < -2147483648 || n > 2147483647) {
        throw new Error(`readNpy: ${name}: value ${String(v)} of '${descr}' at index ${i} does not fit in int32`);
      }
      out[i] = n;
    }
    return { dtype: 'int32', data: out };
  }
  throw new Error(`readNpy: ${name}: unsupported dtype '${descr}' (expected bool, integer or float32/float64)`);
}

/**
 * Parses one .npy buffer (format versions 1.0-3.0, C order) into a Tensor: uint8 and bool keep
 * their dtype, other integers become int32 (range-checked), floats keep float32/float64.
 * `copy: false` lets an aligned little-endian float32 array share `bytes`' memory (streaming readers).
 */
export function readNpy(bytes: Uint8Array, name = 'array.npy', options: { copy?: boolean } = {}): Tensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error(`readNpy: ${name} is not a .npy array: expected the magic "\\x93NUMPY", received ${bytes.length} bytes starting ${JSON.stringify(Array.from(bytes.subarray(0, 6)))}`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error(`readNpy: ${name} is truncated inside its header`);
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new Error(`readNpy: ${name}: unsupported .npy format version ${major}.${bytes[7]} (expected 1.x, 2.x or 3.x)`);
  }
  if (headerStart + headerLen > bytes.length) throw new Error(`readNpy: ${name} is truncated inside its header`);
  const header = parseHeader(new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen)), name);
  if (header.fortranOrder && header.shape.length > 1) {
    throw new Error(`readNpy: ${name}: Fortran-ordered arrays are not supported (save with np.ascontiguousarray)`);
  }
  const count = header.shape.reduce((a, b) => a * b, 1);
  const { dtype, data } = decode(header.descr, view, headerStart + headerLen, count, name, options.copy ?? true);
  return new Tensor(data, header.shape, dtype);
}

/**
 * Parses an .npz archive (stored or deflated zip of .npy members) into `{ name: Tensor }`, with
 * the '.npy' suffix dropped from member names, as `np.load(path)` keys them.
 */
export function readNpz(bytes: Uint8Array, name = 'archive.npz'): Record<string, Tensor> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (e) {
    throw new Error(`readNpz: ${name} is not a readable zip archive (${(e as Error).message})`);
  }
  const out: Record<string, Tensor> = {};
  for (const [member, data] of Object.entries(members)) {
    if (member.endsWith('/')) continue;
    out[member.replace(/\.npy$/, '')] = readNpy(data, `${name}:${member}`);
  }
  return out;
}
