// Resolving and serializing a layer's initializers, regularizers, constraints and activations (Keras identifiers).
import type { Tensor } from '../tensor/tensor.js';
import type { ActivationOp } from '../backend/backend.js';
import * as initializers from '../initializers/index.js';
import * as activations from '../activations/index.js';
import * as regularizers from '../regularizers/index.js';
import * as constraints from '../constraints/index.js';
import type { ConstraintLike, InitializerLike, RegularizerLike } from './layer.js';

export type InitializerId = initializers.InitializerIdentifier;
export type RegularizerId = regularizers.RegularizerIdentifier | null;
export type ConstraintId = constraints.ConstraintIdentifier | null;
export type ActivationFn = (x: Tensor) => Tensor;
export type ActivationId = activations.ActivationIdentifier | null;

/** An activation resolved once: the function, its Keras name for configs, and its fused form if any. */
export interface ResolvedActivation {
  fn: ActivationFn;
  name: string;
  fused: { op: ActivationOp; alpha?: number } | null;
}

export function getInitializer(id: InitializerId): InitializerLike {
  return initializers.get(id);
}

/** Keras 3 {module, class_name, config, registered_name}. */
export function serializeInitializer(init: InitializerLike): Record<string, unknown> {
  return initializers.serialize(init as initializers.Initializer);
}

export function getRegularizer(id: RegularizerId | undefined): RegularizerLike | null {
  return id === undefined || id === null ? null : regularizers.get(id);
}

export function serializeRegularizer(r: RegularizerLike | null): Record<string, unknown> | null {
  return r ? regularizers.serialize(r as regularizers.Regularizer) : null;
}

export function getConstraint(id: ConstraintId | undefined): ConstraintLike | null {
  return id === undefined || id === null ? null : constraints.get(id);
}

export function serializeConstraint(c: ConstraintLike | null): Record<string, unknown> | null {
  return c ? constraints.serialize(c as constraints.Constraint) : null;
}

/** Resolves an activation name or function (undefined/null = linear). */
export function getActivation(id: ActivationId | undefined): ResolvedActivation {
  const fn = activations.get(id);
  const fused = activations.fusedActivationOf(id);
  return { fn, name: activations.serialize(fn), fused: fused ? { op: fused.op, ...(fused.alpha !== undefined ? { alpha: fused.alpha } : {}) } : null };
}

/** The fused (matmul epilogue) form of an activation, or null when it must run as a separate op. */
export function fusedActivation(a: ResolvedActivation): { op: ActivationOp; alpha?: number } | null {
  return a.fused;
}
