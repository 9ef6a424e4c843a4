/// <reference lib="dom" />
/**
 * The web page's script (bundled into `web/dist/app.js` by `deno task build:web`): draw or pick a
 * digit, then extract, quantize, encrypt, send, decrypt and show, all in this browser; the server
 * sees ciphertexts only.
 *
 * @module
 */
import { BrowserClassifier } from "./src/classifier.ts";
import { describeFailure, missingFeatures } from "./src/errors.ts";
import { clearSessions } from "./src/key_db.ts";
import { drawingPad } from "./src/pad.ts";
import { decodeFile } from "./src/pixels.ts";
import { $, clearFailure, showFailure, showModel, showResult, status } from "./src/view.ts";

const pad = $("pad") as HTMLCanvasElement;
const fileInput = $("file") as HTMLInputElement;
const planSelect = $("plan") as HTMLSelectElement;
const tokenInput = $("token") as HTMLInputElement;
const button = $("classify") as HTMLButtonElement;

/** TensorFlow.js's backend: `?backend=cpu` for the pure-JS one (comparisons), else wasm. */
const backend = new URLSearchParams(location.search).get("backend") === "cpu" ? "cpu" : "wasm";
let source: "pad" | "file" = "pad";
let fileImage: ImageData | null = null;
const clearPad = drawingPad(pad, () => (source = "pad"));
let classifier: BrowserClassifier | null = null;
let classifierToken: string | undefined;

function fail(e: unknown): void {
  console.error(e);
  showFailure(describeFailure(e));
}

/** The classifier for the current token (reconnects when the token changes). */
async function current(): Promise<BrowserClassifier> {
  const token = tokenInput.value.trim() || undefined;
  if (classifier && classifierToken === token) return classifier;
  classifier?.close();
  classifier = null;
  status("Loading SEAL and the extractor, fetching the model description…");
  classifier = await BrowserClassifier.open(location.origin, token, backend);
  classifierToken = token;
  return classifier;
}

function fillPlans(c: BrowserClassifier): void {
  const chosen = planSelect.value;
  const auto = new Option(`planner's choice (${c.defaultPlan})`, "");
  planSelect.replaceChildren(auto, ...c.plans.map((p) => new Option(p, p)));
  if (c.plans.includes(chosen)) planSelect.value = chosen;
}

async function classify(): Promise<void> {
  document.body.dataset.state = "busy";
  button.disabled = true;
  clearFailure();
  try {
    const c = await current();
    const image = source === "file" && fileImage
      ? fileImage
      : pad.getContext("2d")!.getImageData(0, 0, pad.width, pad.height);
    const plan = planSelect.value || c.defaultPlan;
    status(`Classifying under ${plan} (keys are generated once per plan)…`);
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
    showResult(await c.classify(image, plan), c.client.description.classes);
  } catch (e) {
    fail(e);
  } finally {
    button.disabled = false;
  }
}

fileInput.addEventListener("change", async () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  clearFailure();
  try {
    fileImage = await decodeFile(file);
    source = "file";
    const ctx = pad.getContext("2d")!;
    ctx.imageSmoothingEnabled = false;
    clearPad();
    ctx.drawImage(await createImageBitmap(fileImage), 0, 0, pad.width, pad.height);
    status(`Loaded ${file.name} (${fileImage.width} x ${fileImage.height}).`, false);
  } catch (e) {
    fileImage = null;
    fail(e);
  }
});
$("clear").addEventListener("click", () => {
  clearPad();
  source = "pad";
  fileImage = null;
  fileInput.value = "";
});
$("forget").addEventListener("click", async () => {
  status("Forgetting keys…");
  classifier?.close();
  classifier = null;
  await clearSessions().catch(fail);
  status("Keys forgotten: the next query generates new ones.", false);
});
button.addEventListener("click", classify);
$("controls").addEventListener("submit", (e) => e.preventDefault());

async function start(): Promise<void> {
  const missing = missingFeatures();
  if (missing.some((m) => !m.startsWith("IndexedDB"))) {
    showFailure({
      code: "wasm-unsupported",
      title: "Browser not supported",
      detail: `This page needs ${missing.join(", ")}, which this browser lacks.`,
    });
    button.disabled = true;
    return;
  }
  try {
    const c = await current();
    showModel(c.client.description);
    fillPlans(c);
    $("extractor").textContent =
      `Extractor ${c.extractor.name} (${c.extractor.id.slice(0, 19)}…) ` +
      `matches the server's head.`;
    status(
      c.input.preprocessed
        ? `Ready: pick an image (${c.client.description.classes.join(", ")}), then Classify.`
        : "Ready: draw a digit or pick an image, then Classify.",
      false,
    );
  } catch (e) {
    fail(e);
  }
}
start();
