// Training-health diagnostics (owned by the diagnostics engineer): per-layer gradient/weight norms, activation stats, warnings.
export { gradientReport } from './report.js';
export type { GradientReport, GradientReportOptions, LayerHealth } from './report.js';
export { healthWarnings, seluProblems } from './warnings.js';
export type { HealthThresholds } from './warnings.js';
export { activationStats, activationOf } from './activation_stats.js';
export type { ActivationStats } from './activation_stats.js';
