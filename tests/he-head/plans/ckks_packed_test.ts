import { planConformance } from "./conformance.ts";
import { randomHead } from "../../fixtures/random_model.ts";

Deno.test("ckks_packed conforms to the plan interface", async (t) => {
  await planConformance(t, "ckks_packed", { model: randomHead(31, 9, 5, 4) });
});
