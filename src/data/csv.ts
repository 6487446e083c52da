// Node-only: a Dataset of CSV rows streamed line by line (numeric columns; an optional label column).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Tensor } from '../tensor/tensor.js';
import type { Element } from './structure.js';
import { Dataset } from './dataset.js';
import { fromJsIterator } from './iterator.js';

export interface CsvOptions {
  /** Name (with a header) or index of the label column; elements are then `[features, label]`. */
  labelColumn?: string | number;
  /** Whether the first line names the columns (default true). */
  header?: boolean;
  /** Field separator (default ','). */
  delimiter?: string;
  /** Only these columns (names or indices) as features (default: every column but the label). */
  selectColumns?: (string | number)[];
}

function parseNumber(field: string, file: string, line: number, column: number): number {
  const v = field.trim() === '' ? NaN : Number(field);
  if (Number.isNaN(v) && field.trim().toLowerCase() !== 'nan') {
    throw new Error(`data.fromCsv: ${file} line ${line}, column ${column}: expected a number, received ${JSON.stringify(field)}`);
  }
  return v;
}

/**
 * Rows of a CSV file as float32 tensors: `[features [k], label []]` with a labelColumn, else `features [k]`.
 * @example data.fromCsv('iris.csv', { labelColumn: 'species' }).shuffle(200).batch(16)
 */
export function fromCsv(file: string, options: CsvOptions = {}): Dataset {
  const delimiter = options.delimiter ?? ',';
  const hasHeader = options.header ?? true;
  async function* rows(): AsyncGenerator<Element> {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let names: string[] | null = null;
    let features: number[] | null = null;
    let label = -1;
    let lineNo = 0;
    const resolve = (c: string | number): number => {
      const i = typeof c === 'number' ? c : names ? names.indexOf(c) : -1;
      if (i < 0) throw new Error(`data.fromCsv: ${file} has no column ${JSON.stringify(c)}${names ? ` (columns: ${names.join(', ')})` : ' (no header: use column indices)'}`);
      return i;
    };
    for await (const text of lines) {
      lineNo++;
      if (text.trim() === '') continue;
      const fields = text.split(delimiter);
      if (hasHeader && names === null) {
        names = fields.map((f) => f.trim());
        continue;
      }
      if (features === null) {
        label = options.labelColumn === undefined ? -1 : resolve(options.labelColumn);
        features = options.selectColumns ? options.selectColumns.map(resolve) : fields.map((_, i) => i).filter((i) => i !== label);
      }
      const width = names?.length ?? fields.length;
      if (fields.length !== width) throw new Error(`data.fromCsv: ${file} line ${lineNo}: expected ${width} fields, received ${fields.length}`);
      const x = new Tensor(Float32Array.from(features, (i) => parseNumber(fields[i], file, lineNo, i)), [features.length], 'float32');
      yield label < 0 ? x : [x, new Tensor(Float32Array.of(parseNumber(fields[label], file, lineNo, label)), [], 'float32')];
    }
  }
  return new Dataset((_salt) => fromJsIterator(rows(), true), null);
}
