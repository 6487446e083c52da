// Keras preprocessing layers: rescaling and normalization, resizing and crops, random augmentation.
export { Rescaling, type RescalingArgs } from '../rescaling.js';
export { Normalization, type NormalizationArgs } from './normalization.js';
export { Resizing, CenterCrop, RandomCrop, type ResizingArgs, type CropArgs } from './image_layers.js';
export {
  RandomFlip, RandomRotation, RandomTranslation, RandomZoom, RandomContrast, type FlipMode,
  rotationTransforms, translationTransforms, zoomTransforms,
} from './augmentation.js';
export { resizeImage, affineTransform, type FillMode, type Interpolation } from './image_ops.js';
