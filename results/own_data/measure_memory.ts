// One-off measurement behind results/own_data/README.md (not a task):
//   deno run -A --v8-flags=--expose-gc results/own_data/measure_memory.ts DIR [TEST_DIR]
// Live memory (after a forced GC) during `loadOwnData` on an image folder: heapUsed + external.
import { loadOwnData, OWN_DATA_SPLIT_SEED } from "../../lib/dp-training/mod.ts";
const [data, test] = Deno.args;
const mb = (b: number) => Math.round(b / 1e5) / 10;
let peakLive = 0, peakRss = 0, first = 0, n = 0;
const t0 = performance.now();
const out = await loadOwnData({
  data, testData: test, testFraction: 0.2, splitSeed: OWN_DATA_SPLIT_SEED,
  onProgress: (done) => {
    (globalThis as unknown as { gc: () => void }).gc();
    const m = Deno.memoryUsage();
    const live = m.heapUsed + m.external;
    if (n++ === 0) first = live;
    peakLive = Math.max(peakLive, live);
    peakRss = Math.max(peakRss, m.rss);
    void done;
  },
});
const s = (performance.now() - t0) / 1000;
const images = out.train.count + out.test.count;
console.log(JSON.stringify({
  images, seconds: Math.round(s * 10) / 10, images_per_second: Math.round(images / s),
  live_mb_after_first_batch: mb(first), peak_live_mb: mb(peakLive), peak_rss_mb: mb(peakRss),
  feature_mb: mb((out.train.x.byteLength + out.test.x.byteLength)),
  decoded_images_if_all_held_mb: mb(images * 28 * 28 * 4),
}));
