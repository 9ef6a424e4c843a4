/// <reference lib="dom" />
/**
 * Drives the web page in Debian's Chromium (headless, through `puppeteer-core`): launch with the
 * flags that work offline on loopback, open the page from the function, pick a plan, enter a
 * token, draw or upload a digit, classify, and read the result the page records in its data
 * attributes. Shared by `deno task bench:web` and the page's tests.
 *
 * @module
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";

/** Debian's Chromium (`apt-get install -y chromium`). */
export const CHROMIUM = "/usr/bin/chromium";

/** What the page records about one classification (`#result`'s data attributes, parsed). */
export interface PageResult {
  prediction: number;
  plan: string;
  exact: boolean;
  /** Decrypted integer logits (exact plans), else null. */
  logits: bigint[] | null;
  scores: number[];
  features: number[];
  raw: number[];
  times: Record<string, number>;
  bytes: { sent: number; received: number; keys: number };
  keys: string;
}

/** A failure the page shows (`#error`). */
export interface PageFailure {
  code: string;
  text: string;
}

/** Launches headless Chromium with a fresh profile; `close()` also removes the profile. */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profile = await Deno.makeTempDir({ prefix: "fcn-chromium-" });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      // Without these Chromium's own connections are refused offline and slow it down.
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** The page of one function, driven as a user would. */
export class WebPage {
  /** Errors the page threw or logged (for test messages). */
  readonly log: string[] = [];

  private constructor(readonly page: Page) {
    page.on("pageerror", (e) => this.log.push(`pageerror: ${(e as Error).message}`));
    page.on("console", (m) => {
      if (m.type() === "error") this.log.push(`console: ${m.text()}`);
    });
  }

  /** Opens `base`'s page and waits until it is ready (or shows a failure). */
  static async open(browser: Browser, base: string): Promise<WebPage> {
    const page = await browser.newPage();
    await page.setViewport({ width: 820, height: 900 });
    const w = new WebPage(page);
    await page.goto(base);
    await w.settled();
    return w;
  }

  /** Waits until the page is not busy; returns its state (`idle`, `done` or `error`). */
  async settled(timeoutMs = 120_000): Promise<string> {
    await this.page.waitForFunction(() => document.body.dataset.state !== "busy", {
      timeout: timeoutMs,
    });
    return await this.page.$eval("body", (b) => b.dataset.state ?? "");
  }

  /** The plans in the selector (the first, "", is the planner's choice). */
  plans(): Promise<string[]> {
    return this.page.$$eval("#plan option", (os) => os.map((o) => (o as HTMLOptionElement).value));
  }

  /** Selects a plan by name ("" for the planner's choice). */
  async choosePlan(name: string): Promise<void> {
    await this.page.select("#plan", name);
  }

  /** Types a token into the token field (replacing what was there). */
  async setToken(token: string): Promise<void> {
    await this.page.$eval("#token", (e) => ((e as HTMLInputElement).value = ""));
    await this.page.type("#token", token);
  }

  /** Picks an image file, as the file input does. */
  async upload(path: string): Promise<void> {
    const input = await this.page.$("#file");
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path);
    await this.page.waitForFunction(() =>
      /^Loaded |^Unreadable|cannot/.test(
        document.getElementById("status")?.textContent ?? "",
      ), { timeout: 30_000 });
  }

  /**
   * Draws a digit on the pad: the 8 x 8 block counts (0..16) as grey squares, dark on white,
   * as a pen would leave them.
   */
  async draw(blocks: ArrayLike<number>): Promise<void> {
    await this.page.evaluate((values: number[]) => {
      document.getElementById("clear")!.click();
      const pad = document.getElementById("pad") as HTMLCanvasElement;
      const ctx = pad.getContext("2d")!;
      const s = pad.width / 8;
      values.forEach((v, i) => {
        const g = Math.round(255 - (255 * v) / 16);
        ctx.fillStyle = `rgb(${g},${g},${g})`;
        ctx.fillRect((i % 8) * s, Math.floor(i / 8) * s, s, s);
      });
    }, Array.from(blocks));
  }

  /**
   * Draws strokes on the pad with the mouse, as a user does: each stroke a list of points in
   * `[0, 1]` pad coordinates.
   */
  async stroke(strokes: readonly (readonly [number, number])[][]): Promise<void> {
    await this.page.click("#clear");
    const box = (await (await this.page.$("#pad"))!.boundingBox())!;
    const at = ([x, y]: readonly [number, number]) =>
      [box.x + x * box.width, box.y + y * box.height] as const;
    for (const points of strokes) {
      await this.page.mouse.move(...at(points[0]));
      await this.page.mouse.down();
      for (const p of points.slice(1)) await this.page.mouse.move(...at(p), { steps: 4 });
      await this.page.mouse.up();
    }
  }

  /** Clicks Classify and returns the result, or the failure the page shows. */
  async classify(): Promise<PageResult | PageFailure> {
    await this.page.click("#classify");
    const state = await this.settled();
    if (state === "error") {
      return await this.page.$eval("#error", (e) => ({
        code: (e as HTMLElement).dataset.code ?? "",
        text: e.textContent ?? "",
      }));
    }
    const d = await this.page.$eval("#result", (e) => ({ ...(e as HTMLElement).dataset }));
    const logits = JSON.parse(d.logits!) as string[] | null;
    return {
      prediction: Number(d.prediction),
      plan: d.plan!,
      exact: d.exact === "true",
      logits: logits && logits.map(BigInt),
      scores: JSON.parse(d.scores!),
      features: JSON.parse(d.features!),
      raw: JSON.parse(d.raw!),
      times: JSON.parse(d.times!),
      bytes: JSON.parse(d.bytes!),
      keys: d.keys!,
    };
  }
}

/** Whether `r` is a failure the page shows. */
export function isFailure(r: PageResult | PageFailure): r is PageFailure {
  return "code" in r && !("prediction" in r);
}
