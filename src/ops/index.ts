// Every op, re-exported; importing this also installs the Tensor methods.
export * from './arithmetic.js';
export * from './unary.js';
export * from './layout.js';
export * from './reduce.js';
export * from './activation.js';
export * from './linalg.js';
export * from './nn.js';
import './methods.js';
