/**
 * A cache of the experiment's prepared features (integer features of both private splits and
 * what the model file needs), so settings can be compared without extracting again. The cache
 * holds features of PRIVATE data: keep it outside the repository (e.g. under /tmp).
 *
 * @module
 */
import type { FashionFeatures, Split } from "./prepare.ts";

function encodeSplit(s: Split) {
  return { count: s.count, x: Array.from(s.x), y: Array.from(s.y) };
}

function decodeSplit(s: { count: number; x: number[]; y: number[] }): Split {
  return { count: s.count, x: Int32Array.from(s.x), y: Int32Array.from(s.y) };
}

/** Writes the features to `path` (JSON). */
export async function saveFeatures(path: string, f: FashionFeatures): Promise<void> {
  const doc = { ...f, train: encodeSplit(f.train), test: encodeSplit(f.test) };
  await Deno.writeTextFile(path, JSON.stringify(doc));
}

/** Reads features written by {@linkcode saveFeatures}, or null when `path` does not exist. */
export async function loadFeatures(path: string): Promise<FashionFeatures | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  const doc = JSON.parse(text);
  return { ...doc, train: decodeSplit(doc.train), test: decodeSplit(doc.test) };
}
