import assert from "node:assert/strict";
import {
  compileModel,
  countHops,
  evaluate,
  evaluateFast,
  evaluatePlain,
  IntegerBackend,
  parseModel,
  predictFast,
  predictPlain,
  totalHops,
} from "../../../lib/he-head/mod.ts";
import type { QuantizedModel } from "../../../lib/model/format.ts";
import { randomConvNet, randomHead, randomInputs } from "../../fixtures/random_model.ts";
import { referenceForward } from "../../fixtures/reference_forward.ts";

function checkAgainstReference(model: QuantizedModel, count = 12, seed = 1): void {
  parseModel(model);
  const net = compileModel(model);
  const x = randomInputs(seed, count, net.inputSize, net.inputMin, net.inputMax);
  const got = evaluatePlain(net, x, count);
  for (let i = 0; i < count; i++) {
    const want = referenceForward(model, x.subarray(i * net.inputSize, (i + 1) * net.inputSize));
    assert.deepEqual(got[i], want, `${model.name}, example ${i}`);
  }
}

Deno.test("integer engine equals the naive reference on random heads", () => {
  for (let seed = 1; seed <= 20; seed++) checkAgainstReference(randomHead(seed, 7, 5, 4), 10, seed);
});

Deno.test("integer engine: negative exponents, all-zero rows, fully pruned layers, signed inputs", () => {
  checkAgainstReference(randomHead(3, 6, 4, 3, { minExp: -6, maxExp: -2 }));
  checkAgainstReference(randomHead(4, 6, 4, 3, { zeroRow: true }));
  checkAgainstReference(randomHead(5, 6, 4, 3, { allZero: true }));
  checkAgainstReference(randomHead(6, 6, 4, 3, { inputMin: -8, inputMax: 7 }));
});

Deno.test("integer engine: higher-degree and non-power-of-two activations, integer weights", () => {
  const cubic = [{ m: 3, e: -3 }, { m: 1, e: -1 }, { m: -5, e: -4 }, { m: 1, e: -5 }];
  const quartic = [{ m: 1, e: 0 }, { m: 0, e: 0 }, { m: 7, e: -3 }, { m: 0, e: 0 }, {
    m: -1,
    e: -4,
  }];
  checkAgainstReference(randomHead(7, 5, 4, 3, { activation: cubic }));
  checkAgainstReference(randomHead(8, 5, 4, 3, { activation: quartic }));
  checkAgainstReference(randomHead(9, 5, 4, 3, { maxInt: 100 }));
});

Deno.test("integer engine: conv2d (same/valid/explicit padding, strides), sum and average pooling", () => {
  for (let seed = 1; seed <= 4; seed++) {
    checkAgainstReference(randomConvNet(seed), 4, seed);
    checkAgainstReference(randomConvNet(seed + 10, { average: true }), 4, seed);
  }
  checkAgainstReference(randomConvNet(21, { padding: [1, 0, 2, 1], strides: [2, 1] }), 4, 2);
  checkAgainstReference(randomConvNet(22, { padding: "valid", strides: [1, 2] }), 4, 3);
  checkAgainstReference(randomConvNet(23, { padding: "same", strides: [2, 2] }), 4, 4);
});

Deno.test("grouping by exponent and lazy relinearization do not change results", () => {
  const net = compileModel(randomHead(12, 9, 6, 4));
  const x = randomInputs(2, 5, net.inputSize, net.inputMin, net.inputMax);
  const cols = Array.from(
    { length: net.inputSize },
    (_, f) => Array.from({ length: 5 }, (_, i) => BigInt(x[i * net.inputSize + f])),
  );
  const base = evaluate(net, new IntegerBackend(), cols).outputs.map((o) => o.ct);
  for (const opts of [{ groupByExponent: false }, { lazyRelin: false }]) {
    assert.deepEqual(
      evaluate(net, new IntegerBackend(), cols, opts).outputs.map((o) => o.ct),
      base,
    );
  }
});

Deno.test("pruned weights cost no HOP; grouping needs one multiplication per distinct exponent", () => {
  const model = randomHead(13, 8, 4, 3, { sparsity: 0 });
  const net = compileModel(model);
  const dense = totalHops(countHops(net, { encoding: "poly", groupByExponent: false }));
  const pruned = randomHead(13, 8, 4, 3, { sparsity: 0.6 });
  const sparse = totalHops(
    countHops(compileModel(pruned), { encoding: "poly", groupByExponent: false }),
  );
  assert.ok(sparse.plain_mul_single + sparse.add < dense.plain_mul_single + dense.add);
  const fc1 = net.ops[0];
  assert.ok(fc1.op === "linear" && fc1.kind === "pow2");
  let distinct = 0;
  for (const row of fc1.rows) distinct += new Set(Array.from(row.exps).filter((e) => e !== 0)).size;
  const grouped = countHops(net, { encoding: "poly" })[0].hops;
  assert.equal(grouped.plain_mul_single, distinct);
  assert.equal(grouped.plain_mul_dense, 0);
});

Deno.test("predictPlain is the argmax of the logits and rejects out-of-range inputs", () => {
  const net = compileModel(randomHead(14));
  const x = randomInputs(4, 6, net.inputSize, net.inputMin, net.inputMax);
  const logits = evaluatePlain(net, x, 6);
  const pred = predictPlain(net, x, 6);
  logits.forEach((l, i) => assert.ok(l.every((v) => v <= l[pred[i]])));
  assert.throws(
    () => evaluatePlain(net, [99, 0, 0, 0, 0, 0], 1),
    /expected integer inputs in \[0, 15\], received 99/,
  );
  assert.throws(() => evaluatePlain(net, [1, 2], 1), /expected 1 x 6 = 6 inputs, received 2/);
});

Deno.test("fast residue-number inference equals the bigint reference exactly", () => {
  for (
    const model of [
      randomHead(31, 10, 6, 4),
      randomHead(32, 6, 4, 3, { maxInt: 200 }),
      randomConvNet(33),
      randomConvNet(34, { average: true }),
    ]
  ) {
    const net = compileModel(model);
    const x = randomInputs(5, 40, net.inputSize, net.inputMin, net.inputMax);
    assert.deepEqual(evaluateFast(net, x, 40), evaluatePlain(net, x, 40), model.name);
    assert.deepEqual(predictFast(net, x, 40), predictPlain(net, x, 40));
  }
});
