// Training-health diagnostics (owned by the diagnostics engineer): per-layer gradient/weight norms, activation stats, warnings.
export { gradientReport } from './report.js';
export type { GradientReport, GradientReportOptions, LayerHealth, LayerTensors } from './report.js';
export { healthWarnings, seluProblems, isLecunNormal, isSequentialTopology } from './warnings.js';
export type { HealthThresholds } from './warnings.js';
export { activationStats, activationOf, DYING_ACTIVATIONS, SATURATING } from './activation_stats.js';
export { inferLossName } from './infer_loss.js';
export { layerActivations, leafLayers } from './forward.js';
export type { LayerActivations } from './forward.js';
export type { ActivationStats } from './activation_stats.js';
export { GradientHealth } from '../callbacks/gradient_health.js';
export type { GradientHealthOptions, TimedReport } from '../callbacks/gradient_health.js';
