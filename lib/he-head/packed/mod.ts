/**
 * The packed plan: one CKKS ciphertext per query, the head evaluated as a quadratic form with
 * plaintext multiplications and a few rotations (no ciphertext multiplication).
 *
 * @example
 * ```ts
 * import { CKKS_N4096, CkksContext, packedLayout, PackedHead, quadraticForm } from "./mod.ts";
 * import { compileModel, readModel } from "../../model/mod.ts";
 * const net = compileModel(await readModel("models/head/uci_digits.json"));
 * const form = quadraticForm(net)!;
 * using ctx = await CkksContext.create(CKKS_N4096);
 * const layout = packedLayout(form.inputs, form.outputs, ctx.slots, net.inputMin, net.inputMax);
 * const head = PackedHead.create(ctx, form, layout);
 * console.log(layout.galoisSteps);
 * head.delete();
 * ```
 *
 * @module
 */
export * from "../plans/ckks_packed/quadratic_form.ts";
export * from "../schemes/ckks/ckks_params.ts";
export * from "../schemes/ckks/ckks_context.ts";
export * from "../plans/ckks_packed/layout.ts";
export * from "../plans/ckks_packed/server/packed_head.ts";
export * from "../plans/ckks_packed/diagonals.ts";
export * from "../schemes/ckks/client/packed_client.ts";
export * from "../schemes/ckks/packed_matvec.ts";
export * from "./packed_network.ts";
