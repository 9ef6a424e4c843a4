/**
 * Reading and writing tfjs models (`model.json` + binary weight files) on the local file system
 * or over HTTP, as tfjs `IOHandler`s, without any browser API or network at load time.
 *
 * @module
 */
import { tf } from "../tfjs/runtime.ts";
import { extractorId } from "./content_hash.ts";
import { ExtractorError } from "./errors.ts";

/** tfjs's `model.json` document (topology, weights manifest, metadata). */
export type ModelJSON = tf.io.ModelJSON;
/** tfjs's model loading/saving interface, as accepted by `tf.loadLayersModel` and `model.save`. */
export type IOHandler = tf.io.IOHandler;

/** The bytes of a model as stored: its `model.json`, its weight files, and its identifier. */
export interface ModelFiles {
  /** URL of `model.json`. */
  url: URL;
  /** Parsed `model.json`. */
  json: ModelJSON;
  /** Raw `model.json` bytes. */
  jsonBytes: Uint8Array;
  /** Raw bytes of each weight file, in manifest order. */
  weightBytes: Uint8Array[];
  /** {@linkcode extractorId} of the files. */
  id: string;
}

/**
 * Turns a path, a `file:`/`http(s):` URL, or a folder into the URL of a `model.json`. A string
 * is a URL when it has a scheme of two or more letters, a path otherwise (relative to the
 * working directory). A path or URL that does not end in `.json` names a folder.
 */
function modelJsonUrl(source: string | URL): URL {
  let url: URL;
  if (source instanceof URL) url = new URL(source.href);
  else if (/^[a-z][a-z0-9+.-]+:/i.test(source)) url = new URL(source);
  else {
    const abs = source.startsWith("/") ? source : `${Deno.cwd()}/${source}`;
    url = new URL(`file://${abs.split("/").map(encodeURIComponent).join("/")}`);
  }
  if (!url.pathname.endsWith(".json")) {
    url.pathname = url.pathname.replace(/\/?$/, "/model.json");
  }
  return url;
}

/**
 * Reads the bytes at `url`: `file:` URLs from disk, `http:`/`https:` with `fetch`.
 *
 * @throws {ExtractorError} when the file is missing, the request fails, or the scheme is not
 *   supported.
 */
async function readUrl(url: URL): Promise<Uint8Array> {
  if (url.protocol === "file:") {
    try {
      return await Deno.readFile(url);
    } catch (e) {
      throw new ExtractorError(
        `expected a readable file at ${decodeURIComponent(url.pathname)}, received ` +
          `${(e as Error).name}: ${(e as Error).message}`,
      );
    }
  }
  if (url.protocol === "http:" || url.protocol === "https:") {
    const response = await fetch(url);
    if (!response.ok) {
      await response.body?.cancel();
      throw new ExtractorError(
        `expected HTTP 200 from ${url.href}, received ${response.status} ${response.statusText}`,
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  }
  throw new ExtractorError(
    `expected a file:, http: or https: URL for the model, received ${url.protocol} (${url.href})`,
  );
}

/**
 * Reads a tfjs model's `model.json` and all its weight files (paths in the weights manifest are
 * relative to `model.json`) and computes its identifier.
 *
 * @throws {ExtractorError} when a file is missing or `model.json` is not a tfjs model.
 */
export async function readModelFiles(source: string | URL): Promise<ModelFiles> {
  const url = modelJsonUrl(source);
  const jsonBytes = await readUrl(url);
  let json: ModelJSON;
  try {
    json = JSON.parse(new TextDecoder().decode(jsonBytes));
  } catch (e) {
    throw new ExtractorError(
      `expected ${url.href} to hold JSON, received a parse error: ${(e as Error).message}`,
    );
  }
  if (typeof json !== "object" || json === null || typeof json.modelTopology !== "object") {
    throw new ExtractorError(
      `expected a tfjs model.json with a "modelTopology" object at ${url.href}, received ` +
        `keys ${JSON.stringify(Object.keys(json ?? {}))}`,
    );
  }
  const manifest = json.weightsManifest ?? [];
  const weightBytes: Uint8Array[] = [];
  for (const group of manifest) {
    for (const path of group.paths) weightBytes.push(await readUrl(new URL(path, url)));
  }
  const id = await extractorId([jsonBytes, ...weightBytes]);
  return { url, json, jsonBytes, weightBytes, id };
}

/**
 * A tfjs `IOHandler` that loads from already-read {@linkcode ModelFiles}, checking that the
 * weight files hold exactly the bytes the manifest declares.
 *
 * @throws {ExtractorError} (from `load`) when the weight bytes do not match the manifest.
 */
export function filesLoadHandler(files: ModelFiles): IOHandler {
  return {
    load: () =>
      tf.io.getModelArtifactsForJSON(files.json, (manifest) => {
        const specs = tf.io.getWeightSpecs(manifest);
        const expected = specs.reduce((n, s) => n + weightByteLength(s), 0);
        const data = tf.io.concatenateArrayBuffers(
          files.weightBytes.map((b) => b.slice().buffer as ArrayBuffer),
        );
        if (data.byteLength !== expected) {
          throw new ExtractorError(
            `expected ${expected} bytes of weights for ${files.url.href} (from its manifest), ` +
              `received ${data.byteLength}`,
          );
        }
        return Promise.resolve([specs, data]);
      }),
  };
}

function weightByteLength(spec: tf.io.WeightsManifestEntry): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization) {
    const bytes = spec.quantization.dtype === "uint8" ? 1 : 2;
    return size * bytes;
  }
  if (spec.dtype === "string") {
    throw new ExtractorError(`expected numeric weights, received string weight ${spec.name}`);
  }
  return size * 4;
}

/**
 * A tfjs `IOHandler` that loads a model from a local path, folder or URL (see
 * {@linkcode modelJsonUrl}); the same as `tf.io.http` but also for `file:` and plain paths.
 *
 * @example
 * ```ts
 * import { tf } from "../tfjs/runtime.ts";
 * import { fileLoadHandler } from "./model_files.ts";
 * const model = await tf.loadLayersModel(fileLoadHandler("models/extractor"));
 * ```
 */
export function fileLoadHandler(source: string | URL): IOHandler {
  return {
    load: async () => await filesLoadHandler(await readModelFiles(source)).load!(),
  };
}

/**
 * A tfjs `IOHandler` that saves a model as `model.json` plus one `weights.bin` in the folder
 * `dir` (created if needed). The JSON is written with sorted-stable `JSON.stringify` output and
 * `userDefinedMetadata` is kept, so the saved bytes depend only on the model.
 *
 * @example
 * ```ts
 * await model.save(fileSaveHandler("models/extractor"));
 * ```
 */
export function fileSaveHandler(dir: string): IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      const topology = artifacts.modelTopology;
      if (topology === undefined || topology instanceof ArrayBuffer) {
        throw new ExtractorError(
          `expected a JSON model topology, received ${topology ? "binary" : "none"}`,
        );
      }
      await Deno.mkdir(dir, { recursive: true });
      const weightData = artifacts.weightData === undefined
        ? new ArrayBuffer(0)
        : tf.io.concatenateArrayBuffers(
          Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData],
        );
      const json: ModelJSON = {
        modelTopology: topology,
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      const text = JSON.stringify(json);
      await Deno.writeTextFile(`${dir}/model.json`, text);
      await Deno.writeFile(`${dir}/weights.bin`, new Uint8Array(weightData));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: "JSON",
          modelTopologyBytes: text.length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weightData.byteLength,
        },
      };
    },
  };
}
