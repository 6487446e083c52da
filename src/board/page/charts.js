// The board's charts: Vega-Lite specs (data arrives by name, 'table') and the rows each one plots.
/* global window */
(function () {
  'use strict';
  const MAX_POINTS = 1500;

  /** TensorBoard's smoothing: a debiased exponential moving average. */
  function smooth(values, weight) {
    if (!(weight > 0)) return values.slice();
    let last = 0, n = 0;
    return values.map((v) => {
      if (v === null || !Number.isFinite(v)) return v;
      last = last * weight + (1 - weight) * v;
      n++;
      return last / (1 - Math.pow(weight, n));
    });
  }

  /** Every k-th point so a series keeps at most MAX_POINTS (the last point is always kept). */
  function thin(rows) {
    if (rows.length <= MAX_POINTS) return rows;
    const k = Math.ceil(rows.length / MAX_POINTS);
    return rows.filter((_, i) => i % k === 0 || i === rows.length - 1);
  }

  /** Long-format rows { x, value, series, metric } of every logged metric, train and validation. */
  function curveRows(run, xaxis, smoothing) {
    const rows = [];
    const metrics = new Set();
    for (const e of run.epochs) for (const k of Object.keys(e.logs)) metrics.add(k.startsWith('val_') ? k.slice(4) : k);
    for (const b of run.batches.slice(-1)) for (const k of Object.keys(b.logs)) metrics.add(k);
    const xOf = (r) => (xaxis === 'epoch' ? r.epoch + 1 : r.step);
    for (const m of [...metrics].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)))) {
      const train = xaxis === 'epoch' ? run.epochs : run.batches;
      const pts = train.filter((r) => r.logs[m] !== undefined);
      const sm = smooth(pts.map((r) => r.logs[m]), xaxis === 'epoch' ? 0 : smoothing);
      const series = thin(pts.map((r, i) => ({ x: xOf(r), value: sm[i], raw: r.logs[m], series: 'train', metric: m })));
      rows.push(...series);
      for (const e of run.epochs) {
        const v = e.logs['val_' + m];
        if (v !== undefined) rows.push({ x: xOf(e), value: v, raw: v, series: 'validation', metric: m });
      }
    }
    return rows.filter((r) => r.value !== null && Number.isFinite(r.value));
  }

  function curvesSpec(width, xaxis) {
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { name: 'table' },
      facet: { row: { field: 'metric', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width, height: 150,
        layer: [
          { mark: { type: 'line', interpolate: 'linear' }, encoding: { color: { field: 'series', type: 'nominal', scale: { domain: ['train', 'validation'], range: ['#1565c0', '#ef6c00'] } } } },
          { mark: { type: 'point', filled: true, size: 30 }, transform: [{ filter: xaxis === 'epoch' ? 'true' : "datum.series === 'validation'" }], encoding: { color: { field: 'series', type: 'nominal' } } },
        ],
        encoding: {
          x: { field: 'x', type: 'quantitative', title: xaxis === 'epoch' ? 'epoch' : 'step', scale: { nice: false }, axis: { tickMinStep: 1 } },
          y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
          tooltip: [{ field: 'metric' }, { field: 'series' }, { field: 'x', title: xaxis }, { field: 'raw', title: 'value', format: '.5g' }],
        },
      },
    };
  }

  /** Learning rate: per epoch, or the batches that sampled it plus every epoch end (at its last step). */
  function lrRows(run, xaxis) {
    const has = (r) => r.lr !== null && r.lr !== undefined;
    if (xaxis === 'epoch') return run.epochs.filter(has).map((r) => ({ x: r.epoch + 1, lr: r.lr }));
    const rows = run.batches.filter(has).map((r) => ({ x: r.step, lr: r.lr })).concat(run.epochs.filter(has).map((r) => ({ x: r.step, lr: r.lr })));
    return thin(rows.sort((a, b) => a.x - b.x));
  }

  const FIT = { type: 'fit-x', contains: 'padding' };

  function lineSpec(width, field, title, xTitle, logY) {
    return {
      data: { name: 'table' }, width, autosize: FIT, height: 90, mark: { type: 'line', point: false },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: xTitle, scale: { nice: false }, axis: { tickMinStep: 1 } },
        y: { field, type: 'quantitative', title, scale: logY ? { type: 'log' } : { zero: false }, axis: { format: '~g' } },
        tooltip: [{ field: 'x', title: xTitle }, { field, title, format: '.4g' }],
      },
    };
  }

  /** One cell per (health step, layer): the layer's gradient norm (at most MAX_COLUMNS steps, evenly spread, the last kept). */
  const MAX_COLUMNS = 150;
  function heatmapRows(run) {
    const rows = [];
    const k = Math.ceil(run.health.length / MAX_COLUMNS);
    const n = run.health.length;
    for (const h of run.health.filter((_, i) => i % k === 0 || i === n - 1)) {
      h.layers.forEach((l, i) => {
        if (l.gradientNorm !== null && l.gradientNorm > 0) rows.push({ step: h.step, layer: l.name, order: i, norm: l.gradientNorm });
      });
    }
    return rows;
  }

  function heatmapSpec(width, layers) {
    const height = Math.max(60, Math.min(12 * layers.length, 900));
    return {
      data: { name: 'table' }, width, autosize: FIT, height, mark: { type: 'rect' },
      encoding: {
        x: { field: 'step', type: 'ordinal', title: 'step', axis: { labelOverlap: true, labelAngle: 0 } },
        y: { field: 'layer', type: 'nominal', title: null, sort: layers, axis: { labelLimit: 180, labelOverlap: true } },
        color: { field: 'norm', type: 'quantitative', title: '‖grad‖', scale: { type: 'log', scheme: 'viridis' } },
        tooltip: [{ field: 'layer' }, { field: 'step' }, { field: 'norm', title: 'gradient norm', format: '.3e' }],
      },
    };
  }

  function ratioRows(run) {
    return run.health.filter((h) => h.ratio !== null && h.ratio > 0).map((h) => ({ x: h.step, ratio: h.ratio }));
  }

  /** Warnings and notes as ticks on a step axis. */
  function timelineRows(run) {
    const rows = [];
    for (const h of run.health) for (const w of h.warnings) rows.push({ step: h.step, kind: w.split(/[:(]/)[0].slice(0, 40), text: w });
    for (const n of run.notes) rows.push({ step: n.step, kind: 'note', text: n.text });
    return rows;
  }

  function timelineSpec(width) {
    return {
      data: { name: 'table' }, width, autosize: FIT, mark: { type: 'tick', thickness: 2 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step', scale: { nice: false }, axis: { tickMinStep: 1 } },
        y: { field: 'kind', type: 'nominal', title: null, axis: { labelLimit: 220 } },
        color: { value: '#c62828' },
        tooltip: [{ field: 'step' }, { field: 'text', title: 'warning' }],
      },
    };
  }

  /** Per layer at one health step: activation mean and std, dead and saturated fractions. */
  function activationRows(h) {
    const rows = [];
    if (!h) return rows;
    h.layers.forEach((l, i) => {
      for (const [stat, v] of [['mean', l.activationMean], ['std', l.activationStd], ['dead fraction', l.deadFraction], ['saturated fraction', l.saturatedFraction]]) {
        if (v !== null && v !== undefined) rows.push({ layer: l.name, order: i, stat, value: v });
      }
    });
    return rows;
  }

  function activationSpec(width, layers) {
    return {
      data: { name: 'table' },
      facet: { row: { field: 'stat', type: 'nominal', title: null, sort: ['mean', 'std', 'dead fraction', 'saturated fraction'], header: { labelAngle: 0, labelAlign: 'left' } } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width, height: 70, mark: { type: 'bar' },
        encoding: {
          x: { field: 'layer', type: 'nominal', sort: layers, title: null, axis: layers.length > 30 ? { labels: false, ticks: false } : { labelAngle: -45, labelLimit: 120 } },
          y: { field: 'value', type: 'quantitative', title: null, axis: { format: '~g', tickCount: 3 } },
          tooltip: [{ field: 'layer' }, { field: 'stat' }, { field: 'value', format: '.4g' }],
        },
      },
    };
  }

  /** Bars of the chosen layer's three histograms at one step. */
  function histogramRows(h, layerName) {
    const rows = [];
    const l = h && h.layers.find((x) => x.name === layerName);
    if (!l || !l.hist) return rows;
    for (const kind of ['weights', 'activations', 'gradients']) {
      const hist = l.hist[kind];
      const n = hist.counts.length;
      const w = n ? (hist.max - hist.min) / n : 0;
      hist.counts.forEach((c, i) => rows.push({ kind, lo: hist.min + i * w, hi: hist.min + (i + 1) * w || hist.min + 1e-12, count: c }));
    }
    return rows;
  }

  function histogramSpec(width) {
    return {
      data: { name: 'table' },
      facet: { column: { field: 'kind', type: 'nominal', title: null, sort: ['weights', 'activations', 'gradients'] } },
      resolve: { scale: { x: 'independent', y: 'independent' } },
      spec: {
        width: Math.max(120, Math.floor(width / 3) - 30), height: 110, mark: { type: 'rect', color: '#5c6bc0' },
        encoding: {
          x: { field: 'lo', type: 'quantitative', title: null, axis: { format: '.2~g', tickCount: 4 } },
          x2: { field: 'hi' },
          y: { field: 'count', type: 'quantitative', title: null },
          tooltip: [{ field: 'lo', format: '.4g' }, { field: 'hi', format: '.4g' }, { field: 'count' }],
        },
      },
    };
  }

  window.boardCharts = {
    smooth, curveRows, curvesSpec, lrRows, lineSpec, heatmapRows, heatmapSpec, ratioRows,
    timelineRows, timelineSpec, activationRows, activationSpec, histogramRows, histogramSpec,
  };
})();
