// Callbacks for fit (Keras' keras.callbacks): import as a namespace, `callbacks.EarlyStopping`.
export * from './common.js';
export { CSVLogger } from './csv_logger.js';
export type { CSVLoggerOptions } from './csv_logger.js';
export { BackupAndRestore, ResumeFromCheckpoint } from './backup_and_restore.js';
export type { BackupAndRestoreOptions } from './backup_and_restore.js';
export { Dashboard } from './dashboard.js';
export type { DashboardOptions } from './dashboard.js';
