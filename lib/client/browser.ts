/**
 * The client library for a browser bundle: everything of `mod.ts` but the Deno file reader
 * (`readDigitImage`, which decodes files with Deno's file system); a page reads its pixels with
 * the browser's own decoders and the extractor's image preprocessing.
 *
 * @example
 * ```ts
 * import { HeadClient } from "./browser.ts";
 * const client = await HeadClient.connect(location.origin);
 * const plan = client.choosePlan(1).plan;
 * using session = await client.session(plan);
 * ```
 *
 * @module
 */
export * from "./head_client.ts";
