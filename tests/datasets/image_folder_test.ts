import assert from "node:assert/strict";
import { encode as encodePng } from "fast-png";
import {
  DataError,
  loadUciDigits,
  readImageBatches,
  scanImageFolder,
  writeImageFolder,
} from "../../lib/datasets/mod.ts";

const png = (side: number, value = 200) =>
  encodePng({
    width: side,
    height: side,
    data: new Uint8Array(side * side).fill(value),
    channels: 1,
  });

async function folder(files: Record<string, Uint8Array | string>): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const [path, content] of Object.entries(files)) {
    await Deno.mkdir(`${root}/${path}`.replace(/\/[^/]*$/, ""), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(`${root}/${path}`, content);
    else await Deno.writeFile(`${root}/${path}`, content);
  }
  return root;
}

const dataError = (path: string, message: RegExp) => (e: unknown) =>
  e instanceof DataError && e.path === path && message.test(e.message);

Deno.test("scanImageFolder: classes are the sub-folders, sorted; other files are listed as ignored", async () => {
  const root = await folder({
    "dog/b.PNG": png(4),
    "dog/a.jpeg": png(4), // the format is read from the bytes, not the name
    "dog/nested/c.pgm": png(4),
    "cat/x.png": png(4),
    "cat/notes.txt": "not an image",
    "cat/.DS_Store": "x",
    "README.md": "top-level file",
  });
  try {
    const f = await scanImageFolder(`${root}/`);
    assert.equal(f.root, root);
    assert.deepEqual(f.classes, ["cat", "dog"]);
    assert.deepEqual(f.files.map((x) => [x.path.slice(root.length + 1), x.label]), [
      ["cat/x.png", 0],
      ["dog/a.jpeg", 1],
      ["dog/b.PNG", 1],
      ["dog/nested/c.pgm", 1],
    ]);
    assert.deepEqual(f.ignored.map((p) => p.slice(root.length + 1)).sort(), [
      "README.md",
      "cat/.DS_Store",
      "cat/notes.txt",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("scanImageFolder: no folder, one class, an empty class folder are DataErrors", async () => {
  const root = await folder({ "only/a.png": png(4) });
  try {
    await assert.rejects(
      scanImageFolder(`${root}/missing`),
      dataError(`${root}/missing`, /expected a folder of class sub-folders, received none/),
    );
    await assert.rejects(
      scanImageFolder(root),
      dataError(
        root,
        /expected at least 2 class sub-folders \(one per class\), received 1 \("only"\)/,
      ),
    );
    await Deno.mkdir(`${root}/empty`);
    await Deno.writeTextFile(`${root}/empty/readme.txt`, "no images here");
    await assert.rejects(
      scanImageFolder(root),
      dataError(
        `${root}/empty`,
        /expected at least one \.png, \.jpg, \.jpeg or \.pgm image in class folder "empty", received none \(1 other files\)/,
      ),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("readImageBatches: mixed sizes decode; corrupt and unreadable files are DataErrors naming the file", async () => {
  const root = await folder({
    "a/small.png": png(8),
    "a/big.png": png(40),
    "b/wide.pgm": new TextEncoder().encode("P2 3 1 255\n1 2 3\n"),
  });
  try {
    const f = await scanImageFolder(root);
    const sizes: string[] = [];
    for await (const batch of readImageBatches(f.files, 2)) {
      assert.ok(batch.images.length <= 2, "batches hold at most batchSize images");
      batch.images.forEach((im, i) => sizes.push(`${im.width}x${im.height}:${batch.labels[i]}`));
    }
    assert.deepEqual(sizes, ["40x40:0", "8x8:0", "3x1:1"]);
    await Deno.writeFile(`${root}/b/broken.png`, png(8).subarray(0, 30));
    await Deno.symlink(`${root}/nowhere.png`, `${root}/b/dangling.png`);
    const g = await scanImageFolder(root);
    const drain = async (files: typeof g.files) => {
      for await (const _ of readImageBatches(files)) { /* decode everything */ }
    };
    await assert.rejects(
      drain(g.files.filter((x) => x.path.endsWith("broken.png"))),
      dataError(
        `${root}/b/broken.png`,
        /expected a readable PNG image, received a corrupt or truncated file/,
      ),
    );
    await assert.rejects(
      drain(g.files.filter((x) => x.path.endsWith("dangling.png"))),
      dataError(`${root}/b/dangling.png`, /expected a readable file, received NotFound/),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeImageFolder then scanImageFolder round-trips the UCI digits' labels and pixels", async () => {
  const { test } = await loadUciDigits();
  const root = await Deno.makeTempDir();
  try {
    const indices = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    assert.equal(await writeImageFolder(test, root, { maxValue: 16, indices }), 12);
    const f = await scanImageFolder(root);
    assert.deepEqual(f.classes, test.classes.filter((c) => f.classes.includes(c)));
    for await (const batch of readImageBatches(f.files)) {
      batch.images.forEach((im, k) => {
        const i = Number(batch.paths[k].split("/").pop()!.replace(".png", ""));
        assert.equal(f.classes[batch.labels[k]], test.classes[test.y[i]]);
        const want = Array.from(
          test.x.subarray(64 * i, 64 * i + 64),
          (v) => Math.round((v * 255) / 16),
        );
        assert.deepEqual(Array.from(im.pixels), want);
      });
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
