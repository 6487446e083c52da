// Elements through postMessage: a skeleton of the structure (0 where a tensor sits) plus each tensor's data, shape and dtype.
import { Tensor } from '../tensor/tensor.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { flatten, type Element } from './structure.js';

type Skeleton = 0 | Skeleton[] | { [key: string]: Skeleton };
export interface EncodedElement {
  skeleton: Skeleton;
  leaves: { data: TypedArray; shape: number[]; dtype: DType }[];
}

function skeletonOf(e: Element): Skeleton {
  if (e instanceof Tensor) return 0;
  if (Array.isArray(e)) return e.map(skeletonOf);
  return Object.fromEntries(Object.entries(e as Record<string, Element>).map(([k, v]) => [k, skeletonOf(v)]));
}

export function encodeElement(e: Element): EncodedElement {
  return { skeleton: skeletonOf(e), leaves: flatten(e).map((t) => ({ data: t.data, shape: t.shape, dtype: t.dtype })) };
}

export function decodeElement(m: EncodedElement): Element {
  let i = 0;
  const build = (s: Skeleton): Element => {
    if (s === 0) {
      const l = m.leaves[i++];
      return new Tensor(l.data, l.shape, l.dtype);
    }
    if (Array.isArray(s)) return s.map(build);
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, build(v)]));
  };
  return build(m.skeleton);
}
