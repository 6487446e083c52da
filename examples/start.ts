// `npm start` (until the chapter lab lands): logistic regression on generated data with valueAndGrads.
import {
  setRandomSeed, randomNormal, variable, zeros, valueAndGrads, matmul, sigmoid, mean, log, sub, mul, add, getBackend, greater, cast,
} from 'layerwise';

setRandomSeed(42);
const n = 512;
const features = 4;
const trueW = randomNormal([features, 1], { seed: 1 });
const x = randomNormal([n, features]);
const y = cast(greater(matmul(x, trueW), 0), 'float32');

const w = variable(zeros([features, 1]), { name: 'w' });
const b = variable(zeros([1]), { name: 'b' });
const lr = 0.5;
console.log(`layerwise demo: logistic regression on ${n} generated points (backend: ${getBackend()})`);
for (let step = 0; step <= 100; step++) {
  const { value, grads } = valueAndGrads(() => {
    const p = sigmoid(add(matmul(x, w.value), b.value));
    const eps = 1e-7;
    // binary cross-entropy, mean over the batch
    return mean(mul(-1, add(mul(y, log(add(p, eps))), mul(sub(1, y), log(add(sub(1, p), eps))))));
  }, [w, b]);
  w.assign(sub(w.value, mul(grads[0], lr)));
  b.assign(sub(b.value, mul(grads[1], lr)));
  if (step % 20 === 0) console.log(`step ${String(step).padStart(3)}  loss ${value.item().toFixed(4)}`);
}
const acc = mean(cast(cast(greater(sigmoid(add(matmul(x, w.value), b.value)), 0.5), 'float32').equal(y), 'float32')).item();
console.log(`training accuracy: ${(acc * 100).toFixed(1)}%`);
