// Shapes: sizes, strides, broadcasting and axis normalization, with errors that name what was received.

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** The numpy broadcast of two shapes; throws naming both shapes when they are incompatible. */
export function broadcastShapes(a: Shape, b: Shape, what = 'broadcast'): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `${what}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast ` +
        `(dimension ${i} of the result: ${da} vs ${db}; each must be equal or 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Normalizes a possibly negative axis against `rank`; throws on out-of-range axes. */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    const expected = rank === 0 ? 'a scalar has no axes' : `expected -${rank} <= axis < ${rank}`;
    throw new Error(`${what}: axis ${axis} is out of range for a tensor of rank ${rank} (${expected})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalizes `axis` (undefined = all axes) to a sorted, de-duplicated list. */
export function normalizeAxes(axis: number | readonly number[] | undefined | null, rank: number, what = 'axis'): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = [...new Set(list.map((a) => normalizeAxis(a, rank, what)))];
  return out.sort((x, y) => x - y);
}

/** Shape after reducing `axes` (sorted) from `shape`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else {
      out.push(d);
    }
  });
  return out;
}

/** Resolves one -1 in a reshape target against `size`. */
export function inferReshape(shape: Shape, target: readonly number[]): number[] {
  const size = sizeOf(shape);
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1) throw new Error(`reshape: at most one -1 allowed in target shape ${formatShape(target)}`);
  const known = target.reduce((acc, d) => (d === -1 ? acc : acc * d), 1);
  if (target.some((d) => (d < 0 && d !== -1) || !Number.isInteger(d))) {
    throw new Error(`reshape: invalid target shape ${formatShape(target)}`);
  }
  const out = target.map((d) => (d === -1 ? (known === 0 ? 0 : size / known) : d));
  if (sizeOf(out) !== size || out.some((d) => !Number.isInteger(d))) {
    throw new Error(`reshape: cannot reshape a tensor of shape ${formatShape(shape)} (${size} elements) into ${formatShape(target)}`);
  }
  return out;
}
