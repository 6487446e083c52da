// The callbacks that need no file system (browser-safe); index.ts adds CSVLogger and BackupAndRestore (Node).
export { Callback, CallbackList } from './callback.js';
export type { Logs, TrainingParams } from './callback.js';
export { History } from './history.js';
export { Progbar, ProgbarLogger, formatValue, formatTime } from './progbar.js';
export type { OutputStream, ProgbarOptions, ProgbarLoggerOptions } from './progbar.js';
export { EarlyStopping } from './early_stopping.js';
export type { EarlyStoppingOptions, MonitorMode } from './early_stopping.js';
export { ModelCheckpoint, formatFilepath } from './checkpoint.js';
export type { ModelCheckpointOptions } from './checkpoint.js';
export { LearningRateScheduler } from './lr_scheduler.js';
export { ReduceLROnPlateau } from './reduce_lr.js';
export type { ReduceLROnPlateauOptions } from './reduce_lr.js';
export { TerminateOnNaN } from './terminate_on_nan.js';
export { LambdaCallback } from './lambda.js';
export type { LambdaCallbackOptions } from './lambda.js';
export { GradientHealth } from './gradient_health.js';
export type { GradientHealthOptions, TimedReport } from './gradient_health.js';
