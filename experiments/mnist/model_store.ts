/**
 * The committed models of the MNIST experiment: `models/mnist/<variant>.json` (or
 * `<variant>.json.gz` when the JSON is over `GZIP_THRESHOLD_BYTES`, 1.5 MB), each a validated
 * quantized model whose metadata carries the training summary. Reading is cached per process;
 * {@linkcode getMnistVariant} trains only when no model is stored (or when asked to).
 *
 * @module
 */
import { parseModelJson, writeModel } from "../../lib/model/mod.ts";
import { MnistVariantError } from "./errors.ts";
import { type MnistVariantResult, summaryFromModel } from "./result.ts";
import { trainMnistVariant, type TrainVariantOptions } from "./train_variant.ts";
import { checkVariantName, type VariantName } from "./variants.ts";

/** Where the models are committed. */
export const MNIST_MODELS_DIR: URL = new URL("../../models/mnist/", import.meta.url);

/** Models whose JSON is larger than this are stored gzipped. */
const GZIP_THRESHOLD_BYTES = 1_500_000;

/** Where to read and write models (default {@linkcode MNIST_MODELS_DIR}). */
export interface StoreOptions {
  /** A folder (path or `file:` URL). */
  dir?: string | URL;
  /** Gzip models whose JSON is longer (default `GZIP_THRESHOLD_BYTES`, 1.5 MB). */
  gzipAbove?: number;
}

function folder(dir: string | URL | undefined): URL {
  if (dir === undefined) return MNIST_MODELS_DIR;
  if (dir instanceof URL) return dir.href.endsWith("/") ? dir : new URL(dir.href + "/");
  const abs = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
  return new URL(`file://${abs.endsWith("/") ? abs : abs + "/"}`);
}

/** The two possible files of a variant: plain and gzipped JSON. */
export function variantModelFiles(name: VariantName, options: StoreOptions = {}): {
  json: URL;
  gz: URL;
} {
  const dir = folder(options.dir);
  return { json: new URL(`${name}.json`, dir), gz: new URL(`${name}.json.gz`, dir) };
}

async function exists(url: URL): Promise<boolean> {
  try {
    return (await Deno.stat(url)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function gunzipText(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

async function gzipText(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const cache = new Map<string, MnistVariantResult>();

/**
 * The stored model of a variant with its training summary, or `null` when none is stored.
 *
 * @example
 * ```ts
 * import { loadMnistVariant } from "./model_store.ts";
 * const r = await loadMnistVariant("faster-relu-aq");
 * if (r) console.log(r.quantizedAccuracy, r.outputBoundLog2);
 * ```
 * @throws {ModelFormatError} when the stored file is not a valid model.
 * @throws {MnistVariantError} when it carries no training summary of that variant.
 */
export async function loadMnistVariant(
  name: string,
  options: StoreOptions = {},
): Promise<MnistVariantResult | null> {
  const variant = checkVariantName(name);
  const files = variantModelFiles(variant, options);
  for (const url of [files.json, files.gz]) {
    const hit = cache.get(url.href);
    if (hit) return hit;
    if (!(await exists(url))) continue;
    const bytes = await Deno.readFile(url);
    const text = url === files.gz ? await gunzipText(bytes) : new TextDecoder().decode(bytes);
    const model = parseModelJson(text);
    const summary = summaryFromModel(model);
    if (summary.name !== variant) {
      throw new MnistVariantError(
        `${url.pathname}: expected a model of variant ${variant}, received ${summary.name}`,
      );
    }
    const result = { ...summary, model, cached: true };
    cache.set(url.href, result);
    return result;
  }
  return null;
}

/**
 * Writes a trained variant (validated; gzipped when large; the other form is removed).
 *
 * @returns the file written.
 */
export async function saveMnistVariant(
  result: MnistVariantResult,
  options: StoreOptions = {},
): Promise<URL> {
  const files = variantModelFiles(result.name, options);
  await Deno.mkdir(new URL(".", files.json), { recursive: true });
  const text = JSON.stringify(result.model) + "\n";
  let written: URL, other: URL;
  if (text.length > (options.gzipAbove ?? GZIP_THRESHOLD_BYTES)) {
    await writeModel(files.json, result.model); // validates
    await Deno.writeFile(files.gz, await gzipText(text));
    await Deno.remove(files.json);
    [written, other] = [files.gz, files.json];
  } else {
    await writeModel(files.json, result.model);
    [written, other] = [files.json, files.gz];
  }
  if (await exists(other)) await Deno.remove(other);
  cache.delete(other.href);
  cache.set(written.href, { ...result, cached: true });
  return written;
}

/** Options of {@linkcode getMnistVariant}. */
export interface GetVariantOptions extends TrainVariantOptions, StoreOptions {
  /** Train even when a model is stored, and overwrite it (default false). */
  retrain?: boolean;
}

/**
 * The stored model of a variant, or a freshly trained one (which is then stored). Quick runs
 * never read or write the store, so a smoke test cannot replace a committed model.
 *
 * @example
 * ```ts
 * import { getMnistVariant } from "./model_store.ts";
 * const r = await getMnistVariant("cryptonets"); // trains only if models/mnist has none
 * console.log(r.cached, r.quantizedAccuracy);
 * ```
 */
export async function getMnistVariant(
  name: string,
  options: GetVariantOptions = {},
): Promise<MnistVariantResult> {
  const variant = checkVariantName(name);
  if (options.quick) return await trainMnistVariant(variant, options);
  if (!options.retrain) {
    const stored = await loadMnistVariant(variant, options);
    if (stored) return stored;
  }
  const result = await trainMnistVariant(variant, options);
  await saveMnistVariant(result, options);
  return result;
}
