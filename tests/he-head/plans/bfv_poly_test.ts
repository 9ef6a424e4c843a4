import { planConformance } from "./conformance.ts";
import { randomHead } from "../../fixtures/random_model.ts";

Deno.test("bfv_poly conforms to the plan interface", async (t) => {
  await planConformance(t, "bfv_poly", { model: randomHead(11, 6, 4, 3) });
});

Deno.test("bfv_poly flooded conforms to the plan interface", async (t) => {
  await planConformance(t, "bfv_poly", {
    model: randomHead(12, 4, 3, 2),
    options: { flooded: true },
    rounds: 4,
  });
});
