/**
 * The map of docs/architecture.md as data: the rooms, what each may import, and which side of
 * the wire a file runs on. `import_rules_test.ts` enforces it; a change to the map is a reviewed
 * diff of this file and the doc together.
 *
 * @module
 */

/** A room (folder prefix) and the rooms it may import besides itself. */
export interface Room {
  /** Folder prefix, relative to the repository root, ending in `/`. */
  readonly path: string;
  /** Rooms (folder prefixes or single files) it may import. */
  readonly mayImport: readonly string[];
}

const MODEL = ["lib/model/", "lib/check/"];
const HE = "lib/he-head/";

/**
 * Rooms, most specific first (a file belongs to the first room whose path it starts with).
 * `lib/he-head/` is one room here; its client / server / shared sides are checked by
 * {@linkcode sideOf}.
 */
export const ROOMS: readonly Room[] = [
  { path: "lib/check/", mayImport: [] },
  { path: "lib/tfjs/", mayImport: [] },
  { path: "lib/report/", mayImport: ["lib/check/"] },
  { path: "lib/model/", mayImport: ["lib/check/"] },
  { path: "lib/datasets/", mayImport: ["lib/check/", "lib/report/"] },
  {
    path: "lib/feature-extractor/",
    mayImport: [...MODEL, "lib/datasets/", "lib/tfjs/", "lib/report/"],
  },
  { path: HE, mayImport: MODEL },
  {
    path: "lib/dp-training/",
    mayImport: [
      ...MODEL,
      "lib/datasets/",
      "lib/feature-extractor/",
      "lib/tfjs/",
      "lib/report/",
      `${HE}engine/`,
    ],
  },
  { path: "lib/protocol/", mayImport: [...MODEL, HE] },
  {
    path: "lib/client/",
    mayImport: [...MODEL, "lib/protocol/", HE, "lib/feature-extractor/", "lib/tfjs/"],
  },
  { path: "lib/server/", mayImport: [...MODEL, "lib/protocol/", HE] },
  { path: "functions/", mayImport: [...MODEL, "lib/protocol/", "lib/server/", HE] },
  {
    path: "experiments/",
    mayImport: [
      ...MODEL,
      HE,
      "lib/datasets/",
      "lib/feature-extractor/",
      "lib/dp-training/",
      "lib/tfjs/",
      "lib/report/",
    ],
  },
  {
    // The web page (client side): its script is bundled for the browser with the client library.
    path: "web/",
    mayImport: [
      ...MODEL,
      "lib/protocol/",
      HE,
      "lib/client/",
      "lib/feature-extractor/",
      "lib/tfjs/",
    ],
  },
  {
    path: "scripts/",
    mayImport: [
      ...MODEL,
      HE,
      "lib/datasets/",
      "lib/feature-extractor/",
      "lib/dp-training/",
      "lib/tfjs/",
      "lib/report/",
      "lib/protocol/",
      "lib/client/",
      "lib/server/",
      "experiments/",
    ],
  },
];

/** The room of a repository path, or null outside the mapped rooms (tests, data...). */
export function roomOf(path: string): Room | null {
  return ROOMS.find((r) => path.startsWith(r.path)) ?? null;
}

/** Which side of the wire a module runs on. */
export type Side = "client" | "server" | "shared";

/**
 * The side of a module, from its path alone: `lib/client/` and `web/` are client-side,
 * `lib/server/` and `functions/` server-side; inside `lib/he-head/` a file is client-side iff a
 * path segment is `client` (a folder, or `client.ts`), server-side iff one is `server`, shared
 * otherwise.
 */
export function sideOf(path: string): Side {
  if (path.startsWith("lib/client/") || path.startsWith("web/")) return "client";
  if (path.startsWith("lib/server/") || path.startsWith("functions/")) return "server";
  if (!path.startsWith(HE)) return "shared";
  const segments = path.slice(HE.length).replace(/\.ts$/, "").split("/");
  if (segments.includes("client")) return "client";
  if (segments.includes("server")) return "server";
  return "shared";
}
