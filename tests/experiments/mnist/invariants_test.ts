import assert from "node:assert/strict";
import {
  MNIST_INPUT_SPEC,
  MnistVariantError,
  quantizePixels,
  VARIANT_NAMES,
} from "../../../experiments/mnist/mod.ts";
import { CONV_OUTPUTS, CRYPTONETS_CONV } from "../../../experiments/mnist/architecture.ts";
import { parseTrainMnistArgs } from "../../../scripts/cli/train_mnist_options.ts";
import { activationShift } from "../../../experiments/mnist/dyadic_coefficients.ts";
import { dyadicLeastSquaresFit } from "../../../experiments/mnist/dyadic_fit.ts";
import { fixedPointScale, quantizeFixedPoint } from "../../../experiments/mnist/fixed_point.ts";
import { realInputs } from "../../../experiments/mnist/mnist_inputs.ts";
import { im2colIndices, IMAGE_SIZE } from "../../../experiments/mnist/tf_network.ts";
import { translate } from "../../../experiments/mnist/trainer.ts";
import {
  pow2Activation,
  squareActivation,
} from "../../../experiments/mnist/variant_activations.ts";
import { initTf, tf } from "../../../lib/tfjs/runtime.ts";
import { seededRandom } from "../../../lib/dp-training/mechanisms/random.ts";
import {
  ACTIVATIONS,
  normalDistribution,
} from "../../../lib/dp-training/activations/activation_functions.ts";
import {
  leastSquaresFit,
  polynomialMse,
} from "../../../lib/dp-training/activations/activation_fit.ts";

Deno.test("pixels become 4-bit integers round(p / 16) clamped to 15", () => {
  const p = Float32Array.from({ length: 256 }, (_, i) => i);
  const q = quantizePixels(p);
  for (let i = 0; i < 256; i++) {
    assert.equal(q[i], Math.min(15, Math.round(i / 16)));
    assert.ok(q[i] >= MNIST_INPUT_SPEC.min && q[i] <= MNIST_INPUT_SPEC.max);
    // The model's input rule: round(x * 2^scale) clamped, with x = p / 256.
    const fromSpec = Math.min(
      15,
      Math.max(0, Math.round((i / 256) * 2 ** MNIST_INPUT_SPEC.scale_log2)),
    );
    assert.equal(q[i], fromSpec);
  }
  assert.deepEqual(Array.from(quantizePixels([0, 7, 8, 128, 255])), [0, 0, 1, 8, 15]);
  assert.deepEqual(Array.from(realInputs([0, 8, 15])), [0, 0.5, 0.9375]);
  assert.throws(() => quantizePixels([256]), MnistVariantError);
});

Deno.test("quantizePixels (now quantizeFeatures of p / 256) rounds exactly as min(15, round(p / 16))", () => {
  // Every float32 grey level on a 1/64 grid (halves included) and seeded random float32 levels.
  const rng = seededRandom("pixels");
  const grid = Float32Array.from({ length: 255 * 64 + 1 }, (_, i) => i / 64);
  const random = Float32Array.from({ length: 20000 }, () => rng.uniform() * 255);
  for (const p of [grid, random]) {
    const q = quantizePixels(p);
    for (let i = 0; i < p.length; i++) {
      assert.equal(q[i], Math.min(15, Math.round(p[i] / 16)), `p = ${p[i]}`);
    }
  }
  assert.deepEqual(Array.from(realInputs(new Int32Array([0, 8, 15]))), [0, 0.5, 0.9375]);
});

Deno.test("fixed-point weights fit in the requested signed bits at the largest scale", () => {
  const rng = seededRandom("fixed");
  for (const bits of [3, 5, 6, 7, 8]) {
    for (let trial = 0; trial < 20; trial++) {
      const w = Float32Array.from(
        { length: 50 },
        () => rng.normal() * 10 ** (rng.uniform() * 4 - 3),
      );
      const q = quantizeFixedPoint(w, bits);
      const lim = 2 ** (bits - 1) - 1;
      let max = 0;
      for (let k = 0; k < w.length; k++) {
        assert.ok(Math.abs(q.values[k]) <= lim, `bits ${bits}: ${q.values[k]}`);
        assert.ok(
          Math.abs(q.values[k] * 2 ** -q.scale_log2 - w[k]) <= 2 ** (-q.scale_log2 - 1) + 1e-12,
        );
        max = Math.max(max, Math.abs(q.values[k]));
      }
      // One more bit of scale would overflow.
      assert.ok(Math.round(Math.max(...w.map(Math.abs)) * 2 ** (q.scale_log2 + 1)) > lim);
      assert.equal(q.scale_log2, fixedPointScale(w, bits));
      assert.ok(max > lim / 2);
    }
  }
  assert.throws(() => fixedPointScale([0, 0], 6), MnistVariantError);
  assert.throws(() => fixedPointScale([1], 1), MnistVariantError);
});

Deno.test("dyadic least squares: coarsest grid within the tolerance, lower terms refitted", () => {
  const dist = normalDistribution(-1, 2);
  const fit = dyadicLeastSquaresFit(ACTIVATIONS.relu, 3, dist, { tolerance: 0.05 });
  const exact = leastSquaresFit(ACTIVATIONS.relu, 3, dist);
  fit.exact.forEach((c, i) => assert.ok(Math.abs(c - exact.coefficients[i]) < 1e-9));
  assert.ok(fit.mse <= fit.exactMse * 1.05);
  assert.ok(Math.abs(fit.mse - polynomialMse(ACTIVATIONS.relu, fit.coefficients, dist)) < 1e-9);
  for (const c of fit.coefficients) assert.ok(Number.isInteger(c * 2 ** fit.shift), `${c}`);
  assert.notEqual(fit.coefficients[3], 0);
  assert.ok(activationShift(fit.coefficients) <= fit.shift);
  // A coarser grid does not reach the tolerance.
  assert.throws(
    () =>
      dyadicLeastSquaresFit(ACTIVATIONS.relu, 3, dist, {
        tolerance: 0.05,
        maxShift: fit.shift - 1,
      }),
    MnistVariantError,
  );
  // Under a symmetric distribution the cubic term of ReLU's fit is zero: refused.
  assert.throws(
    () => dyadicLeastSquaresFit(ACTIVATIONS.relu, 3, normalDistribution(0, 1)),
    /nonzero degree-3 coefficient/,
  );
  assert.equal(activationShift([0.25, 0.5, 0.125]), 3);
  assert.equal(activationShift([0, 0, 1]), 0);
});

Deno.test("the power-of-two activations are the paper's, with coefficients +-2^k", () => {
  assert.deepEqual(pow2Activation("relu").coefficients, [0.25, 0.5, 0.125]);
  const swish = pow2Activation("swish").coefficients;
  assert.equal(swish.length, 3);
  for (const c of swish) assert.ok(c === 0 || Number.isInteger(Math.log2(Math.abs(c))), `${c}`);
  assert.deepEqual(squareActivation().coefficients, [0, 0, 1]);
});

Deno.test("im2col equals tfjs conv2d with padding [1, 0, 1, 0] and stride 2", async () => {
  await initTf();
  const rng = seededRandom("im2col");
  const B = 3;
  const x = Float32Array.from({ length: B * IMAGE_SIZE }, () => rng.uniform());
  const w = Float32Array.from({ length: 125 }, () => rng.normal());
  const idx = im2colIndices();
  assert.equal(idx.length, 169 * 25);
  const [pt, pb, pl, pr] = CRYPTONETS_CONV.padding;
  const ref = tf.tidy(() =>
    tf.conv2d(
      tf.pad(tf.tensor4d(x, [B, 28, 28, 1]), [[0, 0], [pt, pb], [pl, pr], [0, 0]]),
      tf.tensor4d(w, [5, 5, 1, 5]),
      2,
      "valid",
    ).dataSync() as Float32Array
  );
  assert.equal(ref.length, B * CONV_OUTPUTS);
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < 169; p++) {
      for (let f = 0; f < 5; f++) {
        let s = 0;
        for (let t = 0; t < 25; t++) {
          const i = idx[p * 25 + t];
          s += (i === IMAGE_SIZE ? 0 : x[b * IMAGE_SIZE + i]) * w[t * 5 + f];
        }
        assert.ok(Math.abs(s - ref[b * CONV_OUTPUTS + p * 5 + f]) < 1e-4);
      }
    }
  }
});

Deno.test("translation moves the image and fills with zeros", () => {
  const src = Float32Array.from({ length: IMAGE_SIZE }, (_, i) => i + 1);
  const out = new Float32Array(IMAGE_SIZE);
  translate(src, out, 1, -1);
  assert.equal(out[0], 0); // row 0 comes from row -1
  assert.equal(out[28 + 0], src[0 + 1]); // (1, 0) <- (0, 1)
  assert.equal(out[28 + 27], 0); // (1, 27) <- (0, 28): outside
  translate(src, out, 0, 0);
  assert.deepEqual(out, src);
});

Deno.test("train:mnist arguments", () => {
  assert.deepEqual(parseTrainMnistArgs([]).variants, [...VARIANT_NAMES]);
  const o = parseTrainMnistArgs([
    "--variant",
    "cryptonets,faster-swish-aq",
    "--quick",
    "--json",
    "--seed=7",
  ]);
  assert.deepEqual(o.variants, ["cryptonets", "faster-swish-aq"]);
  assert.equal(o.quick, true);
  assert.equal(o.json, true);
  assert.equal(o.seed, 7);
  assert.throws(() => parseTrainMnistArgs(["--variant", "lenet"]), /expected a variant among/);
  assert.throws(() => parseTrainMnistArgs(["--seed"]), /expected a value after --seed/);
  assert.throws(() => parseTrainMnistArgs(["--epochs", "3"]), MnistVariantError);
});
