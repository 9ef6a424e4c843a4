import assert from "node:assert/strict";
import { compileModel, readModel } from "../../../lib/model/mod.ts";
import { describePlans, planOffered } from "../../../lib/he-head/plans/mod.ts";
import type { PlanDescriptionJson } from "../../../lib/he-head/plans/describe.ts";
import { loadSeal } from "../../../lib/he-head/seal/runtime.ts";

Deno.test("GET /v1/model's plans name the exact coefficient-modulus primes SEAL builds", async () => {
  const { seal } = await loadSeal();
  const net = compileModel(await readModel("models/head/uci_digits.json"));
  const described = describePlans(await planOffered(net));
  const all = described.flatMap((
    d,
  ): PlanDescriptionJson[] => [d, ...(d.flooded ? [d.flooded] : [])]);
  assert.ok(all.length >= 3);
  for (const d of all) {
    const n = d.params.polyModulusDegree, bits = d.params.coeffModulusBits;
    // CKKS, bfv-packed and bfv-wide build their modulus with CoeffModulus.Create, poly and simd
    // use BFVDefault.
    const vector = d.params.scheme === "ckks" || d.encoding === "bfv-packed" ||
        d.encoding === "bfv-wide"
      ? seal.CoeffModulus.Create(n, Int32Array.from(bits))
      : seal.CoeffModulus.BFVDefault(n, seal.SecLevelType.tc128);
    const primes: string[] = [];
    for (let j = 0; j < vector.size(); j++) {
      const m = vector.get(j)!;
      primes.push(m.value().toString());
      m.delete();
    }
    vector.delete();
    assert.deepEqual(d.coeff_modulus_primes, primes, d.name);
    assert.deepEqual(d.coeff_modulus_primes.map((p) => BigInt(p).toString(2).length), bits);
  }
});
