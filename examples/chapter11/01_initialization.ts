// Listing 11.1.1: He initialization and a custom VarianceScaling initializer.
import { layers, initializers, tensor } from 'layerwise';

const dense = new layers.Dense(10, { activation: 'relu', kernelInitializer: 'he_normal' });
const heAvgInit = new initializers.VarianceScaling({ scale: 2, mode: 'fan_avg', distribution: 'uniform' });
const dense2 = new layers.Dense(10, { activation: 'sigmoid', kernelInitializer: heAvgInit });

const x = tensor([[0.5, -1, 2, 0.25]]);
console.log('he_normal Dense output:', dense.apply(x).array());
console.log('VarianceScaling(fan_avg, uniform) Dense output:', dense2.apply(x).array());
const kernel = initializers.get('he_normal').apply([784, 300]);
const std = kernel.square().mean().sqrt().item();
console.log(`he_normal on [784, 300]: std ${std.toFixed(5)} (Keras: sqrt(2/784) = ${Math.sqrt(2 / 784).toFixed(5)})`);
