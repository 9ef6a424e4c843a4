/**
 * The second real private image task (issue 14): Fashion-MNIST held as a user's folder of PNG
 * files, a public handcrafted extractor (ScatterNet) with a public PCA reduction, and DP heads
 * at several epsilons, checked through a real encrypted plan.
 *
 * @example
 * ```ts
 * import { exportFashionMnist } from "./mod.ts";
 * await exportFashionMnist("/tmp/fashion", { train: 300, test: 100, publicMnist: 200 });
 * ```
 *
 * @module
 */
export * from "./export.ts";
export * from "./prepare.ts";
export * from "./runs.ts";
export * from "./report.ts";
export * from "./encrypted_check.ts";
export * from "./cache.ts";
export * from "./width_cost.ts";
