// The board page: lists runs, loads the chosen ones side by side, follows them live (server-sent events), draws with Vega-Lite.
/* global window, document, fetch, EventSource, URLSearchParams, clearTimeout, vega, vegaLite, performance */
(function () {
  'use strict';
  const C = window.boardCharts;
  const $ = (id) => document.getElementById(id);
  const state = { runs: [], selected: [], data: new Map(), source: null, views: new Map(), firstPaint: null };
  // Tests and curious users read the views here (e.g. layerwiseBoard.views.get('run|curves').data('table')).
  window.layerwiseBoard = state;

  /** Element with text set through textContent only: names from logs are never parsed as HTML. */
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function setStatus(text) { $('status').textContent = text; }

  function emptyRun(name) {
    return { name, meta: null, batches: [], epochs: [], health: [], notes: [], ended: null, next: 0, skipped: [], els: null, selStep: null, selLayer: null, timer: null, drawing: null };
  }

  function ingest(run, records, notes) {
    for (const r of records) {
      if (r.type === 'run') run.meta = r;
      else if (r.type === 'batch') run.batches.push(r);
      else if (r.type === 'epoch') run.epochs.push(r);
      else if (r.type === 'health') run.health.push(r);
      else if (r.type === 'note') run.notes.push(r);
      else if (r.type === 'end') run.ended = r;
    }
    for (const n of notes || []) run.skipped.push(n);
  }

  async function load(name) {
    const run = state.data.get(name) || emptyRun(name);
    state.data.set(name, run);
    const res = await fetch('/api/runs/' + encodeURIComponent(name) + '?from=' + run.next);
    if (!res.ok) { run.skipped.push('could not read the run (' + res.status + ')'); return run; }
    const body = await res.json();
    ingest(run, body.records, body.notes);
    run.next = body.next;
    return run;
  }

  function openStream() {
    if (state.source) state.source.close();
    state.source = null;
    if (state.selected.length === 0 && state.runs.length > 0) return;
    const q = state.selected.map((n) => 'run=' + encodeURIComponent(n) + '&from=' + (state.data.get(n)?.next ?? 0)).join('&');
    const src = new EventSource('/api/stream?' + q);
    state.source = src;
    src.addEventListener('open', () => setStatus('live'));
    src.addEventListener('runs', (ev) => {
      state.runs = JSON.parse(ev.data);
      drawRunList();
      if (state.selected.length === 0 && state.runs.length > 0) select(state.runs[0].name, true);
    });
    src.addEventListener('records', (ev) => {
      const msg = JSON.parse(ev.data);
      const run = state.data.get(msg.run);
      if (!run) return;
      if (msg.from !== run.next) { load(msg.run).then(() => schedule(run)); return; }
      ingest(run, msg.records, msg.notes);
      run.next = msg.next;
      schedule(run);
    });
    src.addEventListener('error', () => {
      // Reconnect by hand from the offsets we hold, so no record arrives twice.
      setStatus('reconnecting...');
      src.close();
      if (state.source === src) setTimeout(() => { if (state.source === src) openStream(); }, 1000);
    });
  }

  function drawRunList() {
    const ul = $('run-list');
    ul.replaceChildren();
    $('no-runs').hidden = state.runs.length > 0;
    const now = Date.now();
    for (const r of state.runs) {
      const li = el('li');
      const id = 'run-' + Math.random().toString(36).slice(2);
      const box = el('input', { type: 'checkbox', id, 'data-run': r.name });
      box.checked = state.selected.includes(r.name);
      box.addEventListener('change', () => select(r.name, box.checked));
      li.append(box, el('label', { for: id }, r.name));
      if (now - r.mtimeMs < 10000) li.append(el('span', { class: 'live', title: 'its log changed in the last 10 s' }, 'active'));
      ul.append(li);
    }
  }

  async function select(name, on) {
    state.selected = on ? [...new Set([...state.selected, name])] : state.selected.filter((n) => n !== name);
    if (on) await load(name);
    drawColumns();
    openStream();
  }

  function section(col, title, key, cls) {
    col.append(el('h3', {}, title));
    const d = el('div', { class: cls || 'chart', 'data-chart': key });
    col.append(d);
    return d;
  }

  function drawColumns() {
    const main = $('columns');
    for (const [key, view] of state.views) {
      if (!state.selected.includes(key.split('|')[0])) { view.finalize(); state.views.delete(key); }
    }
    main.replaceChildren();
    for (const name of state.selected) {
      const run = state.data.get(name);
      if (!run) continue;
      const col = el('section', { class: 'run', 'data-run': name });
      col.append(el('h2', {}, name));
      const latest = el('div', { class: 'latest' });
      col.append(latest);
      const els = { col, latest };
      els.facts = section(col, 'Run facts', 'facts', 'facts');
      els.curves = section(col, 'Loss and metrics', 'curves');
      els.lr = section(col, 'Learning rate', 'lr');
      els.heatmap = section(col, 'Gradient norm per layer (log scale)', 'heatmap');
      els.ratio = section(col, 'First / last layer gradient-norm ratio', 'ratio');
      els.timeline = section(col, 'Warnings on the timeline', 'timeline');
      els.warnings = el('ul', { class: 'warnings' });
      col.append(els.warnings);
      els.pickers = section(col, 'Activations and histograms at a step', 'pickers', 'pickers');
      els.activations = el('div', { class: 'chart', 'data-chart': 'activations' });
      els.histograms = el('div', { class: 'chart', 'data-chart': 'histograms' });
      col.append(els.activations, els.histograms);
      els.summary = section(col, 'Model summary', 'summary', 'summary-box');
      els.notes = el('ul', { class: 'notes' });
      col.append(els.notes);
      main.append(col);
      run.els = els;
      for (const k of [...state.views.keys()]) if (k.startsWith(name + '|')) { state.views.get(k).finalize(); state.views.delete(k); }
      schedule(run, 0);
    }
  }

  function schedule(run, delay) {
    if (!run.els || run.timer !== null) return;
    run.timer = setTimeout(() => {
      run.timer = null;
      // Draws run one at a time per run; a draw asked for meanwhile runs after.
      run.drawing = (run.drawing || Promise.resolve()).then(() => draw(run)).catch((e) => setStatus('draw error: ' + e.message));
    }, delay === undefined ? 150 : delay);
  }

  /** Creates the view on first use, then only swaps its data. */
  async function plot(run, key, container, specFn, rows, specKey, emptyText) {
    const id = run.name + '|' + key;
    let view = state.views.get(id);
    if (view && view.specKey !== specKey) { view.finalize(); state.views.delete(id); view = null; }
    if (rows.length === 0) {
      if (view) { view.finalize(); state.views.delete(id); }
      container.replaceChildren(el('p', { class: 'empty' }, emptyText || 'nothing logged yet'));
      return;
    }
    if (!view) {
      container.replaceChildren();
      const spec = vegaLite.compile(specFn()).spec;
      view = new vega.View(vega.parse(spec), { renderer: 'svg', container, hover: true });
      view.specKey = specKey;
      state.views.set(id, view);
    }
    view.data('table', rows);
    await view.runAsync();
  }

  function fmt(v) {
    if (Number.isInteger(v)) return Math.abs(v) >= 10000 ? v.toLocaleString('en-US') : String(v);
    return typeof v === 'number' ? (Math.abs(v) >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : v.toPrecision(4)) : v === null || v === undefined ? '-' : String(v);
  }

  function drawText(run) {
    const { els, meta } = run;
    const last = run.epochs[run.epochs.length - 1];
    const epochs = meta ? meta.params.epochs : '?';
    els.latest.textContent = last
      ? 'epoch ' + (last.epoch + 1) + '/' + epochs + ' · ' + Object.entries(last.logs).map(([k, v]) => k + ' ' + fmt(v)).join(' · ')
      : run.batches.length ? 'epoch ' + (run.batches[run.batches.length - 1].epoch + 1) + '/' + epochs + ' running' : 'waiting for the first batch';
    els.latest.dataset.epoch = last ? String(last.epoch + 1) : '0';
    const f = meta ? meta.facts : {};
    const sps = run.ended?.sps ?? last?.sps ?? run.batches[run.batches.length - 1]?.sps;
    const rows = [['model', meta?.model], ['backend', f.backend], ['ISA', f.isa], ['threads', f.threads], ['CPU', f.cpu], ['Node', f.node],
      ['started', meta?.startedAt], ['samples/s', sps], ['health reports', run.health.length + (run.ended ? ' (' + fmt(run.ended.healthMs) + ' ms)' : '')], ['state', run.ended ? 'finished' : 'running or stopped']];
    const table = el('table', { class: 'facts' });
    for (const [k, v] of rows) {
      const tr = el('tr');
      tr.append(el('th', {}, k), el('td', {}, fmt(v)));
      table.append(tr);
    }
    els.facts.replaceChildren(table);
    if (!els.summary.firstChild && meta) els.summary.append(el('pre', { class: 'summary' }, meta.summary));
    const warnings = [];
    for (const h of run.health) for (const w of h.warnings) warnings.push('step ' + h.step + ': ' + w);
    els.warnings.replaceChildren(...[...new Set(warnings)].slice(-50).map((w) => el('li', {}, w)));
    els.notes.replaceChildren(...run.skipped.slice(-20).concat(run.notes.map((n) => 'step ' + n.step + ': ' + n.text)).map((n) => el('li', {}, n)));
  }

  function drawPickers(run) {
    const { els } = run;
    const steps = run.health.map((h) => h.step);
    const layers = run.health.length ? run.health[run.health.length - 1].layers.map((l) => l.name) : [];
    if (run.selStep === null || !steps.includes(run.selStep) || run.followLatest !== false) run.selStep = steps[steps.length - 1] ?? null;
    if (!layers.includes(run.selLayer)) run.selLayer = layers[0] ?? null;
    const stepSel = el('select', { 'aria-label': 'step' });
    stepSel.append(...steps.map((s) => new window.Option('step ' + s, String(s), false, s === run.selStep)));
    stepSel.addEventListener('change', () => { run.selStep = Number(stepSel.value); run.followLatest = run.selStep === steps[steps.length - 1]; schedule(run, 0); });
    const layerSel = el('select', { 'aria-label': 'layer' });
    layerSel.append(...layers.map((n) => new window.Option(n, n, false, n === run.selLayer)));
    layerSel.addEventListener('change', () => { run.selLayer = layerSel.value; schedule(run, 0); });
    const l1 = el('label', {}, 'step ');
    l1.append(stepSel);
    const l2 = el('label', {}, 'histograms of layer ');
    l2.append(layerSel);
    els.pickers.replaceChildren(l1, l2);
  }

  async function draw(run) {
    if (!run.els || !run.els.col.isConnected) return;
    const xaxis = $('xaxis').value;
    const smoothing = Number($('smoothing').value);
    // Single views fit this width with their axes and legends; faceted ones get it for their plots.
    const full = Math.max(360, run.els.col.clientWidth - 30);
    const width = full - 140;
    drawText(run);
    drawPickers(run);
    const layers = run.health.length ? run.health[run.health.length - 1].layers.map((l) => l.name) : [];
    const h = run.health.find((x) => x.step === run.selStep);
    await plot(run, 'curves', run.els.curves, () => C.curvesSpec(width, xaxis), C.curveRows(run, xaxis, smoothing), xaxis);
    await plot(run, 'lr', run.els.lr, () => C.lineSpec(full, 'lr', 'learning rate', xaxis === 'epoch' ? 'epoch' : 'step', false), C.lrRows(run, xaxis), xaxis);
    await plot(run, 'heatmap', run.els.heatmap, () => C.heatmapSpec(full, layers), C.heatmapRows(run), layers.join('\u0000'));
    await plot(run, 'ratio', run.els.ratio, () => C.lineSpec(full, 'ratio', 'first / last', 'step', true), C.ratioRows(run), '');
    await plot(run, 'timeline', run.els.timeline, () => C.timelineSpec(full), C.timelineRows(run), '', 'no warnings so far');
    await plot(run, 'activations', run.els.activations, () => C.activationSpec(width, layers), C.activationRows(h), layers.join('\u0000'));
    await plot(run, 'histograms', run.els.histograms, () => C.histogramSpec(width), C.histogramRows(h, run.selLayer), '');
    if (state.firstPaint === null) state.firstPaint = performance.now();
    run.els.col.dataset.drawn = String((Number(run.els.col.dataset.drawn) || 0) + 1);
  }

  function redrawAll(rebuild) {
    for (const name of state.selected) {
      const run = state.data.get(name);
      if (!run) continue;
      if (rebuild) for (const k of [...state.views.keys()]) if (k.startsWith(name + '|')) { state.views.get(k).finalize(); state.views.delete(k); }
      schedule(run, 0);
    }
  }

  async function start() {
    $('xaxis').addEventListener('change', () => redrawAll(false));
    $('smoothing').addEventListener('input', () => { $('smoothing-value').textContent = Number($('smoothing').value).toFixed(2); redrawAll(false); });
    let resizeTimer = null;
    window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(() => redrawAll(true), 300); });
    const res = await fetch('/api/runs');
    state.runs = await res.json();
    const hash = new URLSearchParams(window.location.hash.slice(1)).getAll('run');
    const wanted = hash.length ? hash : state.runs.slice(0, 1).map((r) => r.name);
    for (const n of wanted) if (state.runs.some((r) => r.name === n)) { state.selected.push(n); await load(n); }
    drawRunList();
    drawColumns();
    openStream();
    setStatus(state.runs.length ? 'loaded' : 'no runs yet');
  }

  start().catch((e) => setStatus('error: ' + e.message));
})();
