import { readModel } from "../../../lib/he-head/mod.ts";
import { planConformance } from "./conformance.ts";
import { randomHead } from "../../fixtures/random_model.ts";

Deno.test("bfv_packed conforms to the plan interface (random head)", async (t) => {
  await planConformance(t, "bfv_packed", { model: randomHead(31, 9, 5, 4) });
});

Deno.test("bfv_packed conforms to the plan interface (the demo head, 48 -> 32 -> 10)", async (t) => {
  await planConformance(t, "bfv_packed", {
    model: await readModel("models/head/uci_digits.json"),
    queries: 3,
    rounds: 5,
  });
});
