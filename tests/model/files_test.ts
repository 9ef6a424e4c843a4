import assert from "node:assert/strict";
import { readModel, writeModel, writeTextFilesAtomic } from "../../lib/model/mod.ts";
import { randomHead } from "../fixtures/random_model.ts";

Deno.test("writeTextFilesAtomic: all files or none; no temporary file is left behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.json`, "old a");
    await writeTextFilesAtomic({ [`${dir}/a.json`]: "new a", [`${dir}/b.md`]: "new b" });
    assert.equal(await Deno.readTextFile(`${dir}/a.json`), "new a");
    assert.equal(await Deno.readTextFile(`${dir}/b.md`), "new b");
    // The second target's folder does not exist: the first target keeps its old content.
    await assert.rejects(
      writeTextFilesAtomic({ [`${dir}/a.json`]: "newer a", [`${dir}/no/such/c.md`]: "c" }),
      Deno.errors.NotFound,
    );
    assert.equal(await Deno.readTextFile(`${dir}/a.json`), "new a");
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), ["a.json", "b.md"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeModel writes a valid model through a temporary file and refuses a broken one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = randomHead(1, 4, 3, 2);
    await writeModel(`${dir}/m.json`, model);
    assert.deepEqual(await readModel(`${dir}/m.json`), JSON.parse(JSON.stringify(model)));
    await assert.rejects(writeModel(`${dir}/bad.json`, { ...model, layers: [] }));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["m.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
