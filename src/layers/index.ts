// The layers namespace: every built-in layer class, registered under its Keras class name.
import { registerSerializable, type SerializableClass } from '../saving/registry.js';
import { Activation, Dense, Flatten, Reshape } from './core.js';
import { BatchNormalization, LayerNormalization } from './normalization.js';
import { ELU, LeakyReLU, PReLU, ReLU, RReLU, Softmax } from './activations.js';
import { AlphaDropout, Dropout, GaussianDropout, GaussianNoise } from './regularization.js';
import { markOutputsInternal } from './layer.js';
import { Conv1D, Conv2D } from './convolutional.js';
import { Conv2DTranspose } from './conv_transpose.js';
import { DepthwiseConv2D, SeparableConv2D } from './depthwise.js';
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
} from './pooling.js';
import { Cropping2D, UpSampling2D, ZeroPadding2D } from './reshaping_2d.js';
import { SpatialDropout2D } from './spatial_dropout.js';
import {
  CenterCrop, Normalization, RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, Rescaling, Resizing,
} from './preprocessing/index.js';

export { Layer, layerError } from './layer.js';
export type {
  LayerArgs, CallOptions, AddWeightOptions, InitializerLike, RegularizerLike, ConstraintLike, LayerInput, LayerOutput,
} from './layer.js';
export { InputLayer, Input, type InputLayerArgs } from './input_layer.js';
export { SymbolicTensor, GraphNode, type SymbolicShape } from './symbolic.js';
export { Activation, Dense, Flatten, Reshape, type DenseArgs } from './core.js';
export { BatchNormalization, LayerNormalization, type BatchNormalizationArgs, type LayerNormalizationArgs } from './normalization.js';
export { ELU, LeakyReLU, PReLU, ReLU, RReLU, Softmax, type LeakyReLUArgs, type PReLUArgs, type ReLUArgs, type RReLUArgs } from './activations.js';
export {
  AlphaDropout, Dropout, GaussianDropout, GaussianNoise, type DropoutArgs, type GaussianDropoutArgs, type GaussianNoiseArgs,
} from './regularization.js';
export { Conv1D, Conv2D, type ConvArgs } from './convolutional.js';
export { Conv2DTranspose, type Conv2DTransposeArgs } from './conv_transpose.js';
export { DepthwiseConv2D, SeparableConv2D, type DepthwiseConv2DArgs, type SeparableConv2DArgs } from './depthwise.js';
export {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
  type GlobalPoolingArgs, type PoolingArgs,
} from './pooling.js';
export { Cropping2D, UpSampling2D, ZeroPadding2D, type Cropping2DArgs, type UpSampling2DArgs, type ZeroPadding2DArgs } from './reshaping_2d.js';
export { SpatialDropout2D, type SpatialDropout2DArgs } from './spatial_dropout.js';

/** Convolutional layers, registered and marked like the others. */
const CONV_LAYERS: SerializableClass[] = [
  Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D, MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,
  GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, ZeroPadding2D, Cropping2D, UpSampling2D,
  SpatialDropout2D,
];

export {
  Rescaling, Normalization, Resizing, CenterCrop, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, RandomContrast,
  type RescalingArgs, type NormalizationArgs, type ResizingArgs, type CropArgs, type FlipMode,
} from './preprocessing/index.js';

/** Every built-in layer class (InputLayer registers itself in input_layer.ts). */
const BUILT_IN_LAYERS: SerializableClass[] = [
  Dense, Activation, Flatten, Reshape, BatchNormalization, LayerNormalization,
  LeakyReLU, PReLU, RReLU, ELU, ReLU, Softmax, Dropout, AlphaDropout, GaussianNoise, GaussianDropout, ...CONV_LAYERS,
];
for (const cls of BUILT_IN_LAYERS) registerSerializable('layer', cls);
// Preprocessing layers: serializable; their outputs are not marked internal (in inference they return their input).
for (const cls of [Rescaling, Normalization, Resizing, CenterCrop, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, RandomContrast]) {
  registerSerializable('layer', cls as unknown as SerializableClass);
}
markOutputsInternal(...BUILT_IN_LAYERS);
