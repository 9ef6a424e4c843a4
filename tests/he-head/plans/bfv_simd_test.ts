import { planConformance } from "./conformance.ts";
import { randomHead } from "../../fixtures/random_model.ts";

Deno.test("bfv_simd conforms to the plan interface", async (t) => {
  await planConformance(t, "bfv_simd", { model: randomHead(21, 6, 4, 3) });
});
