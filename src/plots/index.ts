// plots: learning curves, gradient norms, activation histograms and activation shapes as SVG (Vega-Lite).
export { plotHistory } from './history.js';
export type { HistoryLike, PlotHistoryOptions } from './history.js';
export { plotGradientNorms } from './gradients.js';
export type { GradientNormReport, GradientNormsInput, PlotGradientNormsOptions } from './gradients.js';
export { plotActivationHistograms, plotActivationFunctions } from './activations.js';
export type { ActivationSamples, ActivationCurve, PlotActivationHistogramsOptions, PlotActivationFunctionsOptions } from './activations.js';
export { renderSvg } from './render.js';
export type { PlotResult, PlotOptions, VegaLiteSpec } from './render.js';
