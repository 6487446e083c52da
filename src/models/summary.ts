// model.summary(): Keras' table of layers (name (type), output shape, param #) and the parameter totals.
import type { Layer } from '../layers/layer.js';
import { formatSymbolicShape } from '../layers/symbolic.js';
import type { Variable } from '../autograd/variable.js';
import type { Model } from './functional.js';

export interface SummaryOptions {
  /** Where each line goes (default console.log). */
  printFn?: (line: string) => void;
  /** Minimum total width of the table (Keras: 65, or 98 with the "Connected to" column). */
  lineLength?: number;
}

/** 1234567 -> '1,234,567'. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function count(vars: readonly Variable[]): number {
  return vars.reduce((acc, v) => acc + v.shape.reduce((a, b) => a * b, 1), 0);
}

/** Keras 3's readable_memory_size for float32 weights: '1.04 MB'. */
function memory(params: number): string {
  let size = params * 4;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (size >= 1024 && i < units.length - 1) {
    size /= 1024;
    i++;
  }
  return `${size.toFixed(2)} ${units[i]}`;
}

function outputShapeOf(model: Model, layer: Layer): string {
  const nodes = model.graphInfo?.nodes.filter((n) => n.layer === layer) ?? [];
  if (nodes.length === 0) return '?';
  if (nodes.length > 1) return 'multiple';
  const outs = nodes[0].outputs;
  return outs.length === 1 ? formatSymbolicShape(outs[0].shape) : `[${outs.map((t) => formatSymbolicShape(t.shape)).join(', ')}]`;
}

function connectedTo(model: Model, layer: Layer): string {
  const nodes = model.graphInfo?.nodes.filter((n) => n.layer === layer) ?? [];
  return nodes.flatMap((n) => n.inputs.map((t) => `${t.sourceLayer.name}[${nodeIndexOf(model, t.sourceLayer, t.node)}][${t.outputIndex}]`)).join(', ') || '-';
}

function nodeIndexOf(model: Model, layer: Layer, node: unknown): number {
  return (model.graphInfo?.nodes.filter((n) => n.layer === layer) ?? []).indexOf(node as never);
}

/** True when every layer is called once on the previous layer's single output (no "Connected to" column). */
function isSequentialLike(model: Model): boolean {
  const nodes = model.graphInfo?.nodes ?? [];
  if (model.inputs.length > 1 || model.outputs.length > 1) return false;
  for (let i = 1; i < nodes.length; i++) {
    if (nodes[i].inputs.length !== 1 || nodes[i].inputs[0].node !== nodes[i - 1]) return false;
  }
  return true;
}

/** Builds (and prints through printFn) the summary table; returns it as one string. */
export function summaryOf(model: Model, options: SummaryOptions = {}): string {
  const printFn = options.printFn ?? ((line: string) => console.log(line));
  const withConnections = !isSequentialLike(model);
  const headers = withConnections ? ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'] : ['Layer (type)', 'Output Shape', 'Param #'];
  const rows = model.layers.map((layer) => {
    const params = layer.built || layer.weights.length > 0 ? thousands(layer.countParams()) : '0 (unbuilt)';
    const row = [`${layer.name} (${layer.className})`, outputShapeOf(model, layer), params];
    if (withConnections) row.push(connectedTo(model, layer));
    return row;
  });
  // Keras 2 column stops: [.45, .85, 1] of 65 characters, or [.33, .55, .67, 1] of 98 with connections.
  const lineLength = options.lineLength ?? (withConnections ? 98 : 65);
  const stops = withConnections ? [0.33, 0.55, 0.67, 1] : [0.45, 0.85, 1];
  const widths = stops.map((s, i) => Math.floor(lineLength * s) - (i === 0 ? 0 : Math.floor(lineLength * stops[i - 1])));
  for (const row of [headers, ...rows]) row.forEach((cell, i) => { widths[i] = Math.max(widths[i], cell.length + 3); });
  const total = widths.reduce((a, b) => a + b, 0);
  const format = (cells: string[]): string => cells.map((c, i) => ` ${c}`.padEnd(widths[i])).join('');
  const trainable = count(model.trainableWeights);
  const nonTrainable = count(model.nonTrainableWeights);
  const lines = [
    `Model: "${model.name}"`,
    '_'.repeat(total),
    format(headers),
    '='.repeat(total),
  ];
  rows.forEach((row, i) => {
    lines.push(format(row));
    lines.push(i === rows.length - 1 ? '='.repeat(total) : ' '.repeat(total));
  });
  if (rows.length === 0) lines.push('='.repeat(total));
  lines.push(
    `Total params: ${thousands(trainable + nonTrainable)} (${memory(trainable + nonTrainable)})`,
    `Trainable params: ${thousands(trainable)} (${memory(trainable)})`,
    `Non-trainable params: ${thousands(nonTrainable)} (${memory(nonTrainable)})`,
    '_'.repeat(total),
  );
  for (const line of lines) printFn(line);
  return lines.join('\n');
}
