/// <reference lib="dom" />
/**
 * Rendering: the prediction and its probability bars, the time of each stage, the bytes, the plan,
 * what the server saw, the model's privacy statement, and failures. The result element carries the
 * decrypted values in data attributes (`data-prediction`, `data-logits`, `data-features`,
 * `data-scores`, `data-times`) for tests and benchmarks.
 *
 * @module
 */
import type { ModelDescription } from "../../lib/protocol/api.ts";
import type { Result } from "./classifier.ts";
import type { Failure } from "./errors.ts";

/** The element with this id (the page defines them all). */
export function $(id: string): HTMLElement {
  return document.getElementById(id)!;
}

function el(tag: string, text = "", cls = ""): HTMLElement {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

const kb = (n: number) => n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`;
const ms = (n: number) => Number.isFinite(n) ? `${n.toFixed(n < 10 ? 1 : 0)} ms` : "-";

/** Shows progress; `busy` marks the page as working. */
export function status(text: string, busy = true): void {
  $("status").textContent = text;
  document.body.dataset.state = busy ? "busy" : "idle";
}

/** Shows a failure (and hides nothing else: the last result stays). */
export function showFailure(f: Failure): void {
  const box = $("error");
  box.replaceChildren(el("strong", f.title), el("span", ` ${f.detail}`));
  box.dataset.code = f.code;
  box.hidden = false;
  status(f.title, false);
  document.body.dataset.state = "error";
}

/** Hides the failure box. */
export function clearFailure(): void {
  $("error").hidden = true;
  delete $("error").dataset.code;
}

/** The model's privacy statement and name. */
export function showModel(d: ModelDescription): void {
  const p = d.privacy;
  const what = d.preprocessing ? "image" : "digit";
  if (d.preprocessing) {
    document.querySelector("h1")!.textContent = "Private image classification";
    const intro = document.querySelector("header p")!;
    intro.firstChild!.textContent = "Your image is turned into features and encrypted ";
  }
  const claim = p.private && p.epsilon !== null
    ? `(ε = ${p.epsilon.toFixed(2)}, δ = ${p.delta})-differentially private`
    : `not differentially private${p.note ? ` (${p.note})` : ""}`;
  $("privacy").replaceChildren(
    el("h2", "What the server learns, and what the model may leak"),
    el(
      "p",
      `The server sees only ciphertexts: not your ${what}, not its features, not the answer. ` +
        `The model "${d.name}" was trained ${claim} on private ${what}s; noise source: ` +
        `${p.noise_source}.`,
    ),
    el("p", `Accountant: ${p.accountant}.`, "small"),
  );
}

function bars(classes: string[], probabilities: number[], prediction: number): HTMLElement {
  const box = el("div", "", classes.some((c) => c.length > 2) ? "bars named" : "bars");
  probabilities.forEach((p, i) => {
    const row = el("div", "", i === prediction ? "bar top" : "bar");
    const fill = el("span", "", "fill");
    fill.style.width = `${(100 * p).toFixed(1)}%`;
    row.append(
      el("span", classes[i], "label"),
      el("span", "", "track"),
      el("span", `${(100 * p).toFixed(1)}%`, "pct"),
    );
    row.children[1].append(fill);
    box.append(row);
  });
  return box;
}

function hex(bytes: Uint8Array, n = 48): string {
  const parts = Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, "0"));
  return parts.join(" ").replace(/((?:\S+ ){16})/g, "$1\n").trim() + " …";
}

function keyRows(r: Result): [string, string][] {
  if (r.keys === "from IndexedDB") {
    return [["keys", "kept in IndexedDB (no generation, no upload)"]];
  }
  const once = r.keys === "generated now" ? "" : " (once per plan, earlier)";
  const upload = r.keyBytes ? ` · ${kb(r.keyBytes)} sent` : "";
  return [
    ["key generation", `${ms(r.keygenMs)}${once}`],
    ["key registration", `${ms(r.registerMs)}${upload}${once}`],
  ];
}

/** Shows a result and records its values in data attributes. */
export function showResult(r: Result, classes: string[]): void {
  const t = r.times;
  const rows: [string, string][] = [
    ["extract (tfjs, in this browser)", ms(t.extract)],
    ...keyRows(r),
    ["encrypt", ms(t.encrypt)],
    ["upload + server", `${ms(t.upload_server)} (server ${ms(t.server)})`],
    ["decrypt + softmax", ms(t.decrypt)],
    ["total", ms(t.total)],
    ["bytes sent / received", `${kb(r.sent)} / ${kb(r.received)}`],
  ];
  const table = el("table", "", "stages");
  for (const [k, v] of rows) {
    const tr = el("tr");
    tr.append(el("th", k), el("td", v));
    table.append(tr);
  }
  const bound = r.errorBound === null
    ? ""
    : ` (CKKS: logits within ±${r.errorBound.toPrecision(2)})`;
  const out = $("result");
  out.replaceChildren(
    el("div", classes[r.prediction], "prediction"),
    bars(classes, r.probabilities, r.prediction),
    el(
      "p",
      `Plan ${r.plan}: ${
        r.exact ? "exact (BFV, integer logits bit for bit)" : "approximate"
      }${bound}.`,
      "plan",
    ),
    table,
    el("h3", "What the server saw"),
    el("p", r.seen.summary, "small"),
    el("pre", hex(r.seen.cipherBytes), "cipher"),
  );
  Object.assign(out.dataset, {
    prediction: String(r.prediction),
    plan: r.plan,
    exact: String(r.exact),
    logits: JSON.stringify(r.logits),
    scores: JSON.stringify(r.scores),
    features: JSON.stringify(r.features),
    raw: JSON.stringify(r.raw),
    times: JSON.stringify(r.times),
    bytes: JSON.stringify({ sent: r.sent, received: r.received, keys: r.keyBytes }),
    keys: r.keys,
  });
  out.hidden = false;
  status(`Predicted ${classes[r.prediction]} in ${ms(t.total)}.`, false);
  document.body.dataset.state = "done";
}
