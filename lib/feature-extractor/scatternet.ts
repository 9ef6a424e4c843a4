/**
 * A handcrafted extractor that needs no training data: the 2-D scattering transform of Mallat
 * (ScatterNet, as used by Tramer and Boneh, ICLR 2021, for DP learning) with Morlet wavelets,
 * J = 2 scales and L = 8 angles, on 28 x 28 grey images: 1 + J L + L^2 J (J - 1) / 2 = 81
 * channels of 7 x 7, i.e. 3969 features, followed by a per-image group normalisation (27 groups
 * of 3 channels, no learned parameters). The filters follow kymatio's `filter_bank` (sigma
 * 0.8 * 2^j, xi 3 pi / 4 / 2^j, slant 4 / L; low-pass sigma 0.8 * 2^(J-1)), truncated to finite
 * kernels and applied in space with zero padding. It is written as a tfjs graph model with fixed
 * constants, so any tfjs runtime (Deno, the browser) runs it.
 *
 * @module
 */
import { GraphBuilder } from "./graph_builder.ts";
import type { ModelJSON } from "./model_files.ts";
import type { ExtractorMetadata } from "./metadata.ts";
import { EXTRACTOR_FORMAT } from "./metadata.ts";

/** Scales. */
const J = 2;
/** Angles. */
const L = 8;
/** Image side. */
const SIDE = 28;
/** Groups of the group normalisation (81 channels / 3). */
const GROUPS = 27;

/** A real kernel `size x size`, row-major. */
type Kernel = Float64Array;

/** Kymatio's `gabor_2d` on a `(2r+1)^2` grid centred at 0 (no periodisation). */
function gabor(r: number, sigma: number, theta: number, xi: number, slant: number) {
  const size = 2 * r + 1;
  const c = Math.cos(theta), s = Math.sin(theta);
  // curv = R diag(1, slant^2) R^-1 / (2 sigma^2)
  const a = (c * c + slant * slant * s * s) / (2 * sigma * sigma);
  const b = ((1 - slant * slant) * c * s) / (2 * sigma * sigma);
  const d = (s * s + slant * slant * c * c) / (2 * sigma * sigma);
  const norm = (2 * Math.PI * sigma * sigma) / slant;
  const re = new Float64Array(size * size), im = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < size; k++) {
      const x = i - r, y = k - r;
      const env = Math.exp(-(a * x * x + 2 * b * x * y + d * y * y)) / norm;
      const phase = xi * (x * c + y * s);
      re[i * size + k] = env * Math.cos(phase);
      im[i * size + k] = env * Math.sin(phase);
    }
  }
  return { re, im };
}

/** Kymatio's `morlet_2d`: a Gabor minus its envelope times K, so that it sums to zero. */
function morlet(r: number, sigma: number, theta: number, xi: number, slant: number) {
  const wave = gabor(r, sigma, theta, xi, slant);
  const env = gabor(r, sigma, theta, 0, slant).re;
  const sum = (v: Kernel) => v.reduce((x, y) => x + y, 0);
  const kRe = sum(wave.re) / sum(env), kIm = sum(wave.im) / sum(env);
  return {
    re: wave.re.map((v, i) => v - kRe * env[i]),
    im: wave.im.map((v, i) => v - kIm * env[i]),
  };
}

/** Kernel radius: 2.5 standard deviations along the wavelet's long axis. */
function radius(sigma: number, slant: number): number {
  return Math.ceil(2.5 * sigma / Math.min(1, slant));
}

/** `[k, k, inC, outC]` filter: `kernels[o]` for output `o`, copied for every input channel. */
function stack(kernels: Kernel[], inC: number, depthwise: boolean): Float32Array {
  const area = kernels[0].length;
  const outC = kernels.length;
  const f = new Float32Array(area * inC * outC);
  for (let p = 0; p < area; p++) {
    for (let c = 0; c < inC; c++) {
      for (let o = 0; o < outC; o++) {
        // Conv2D: [k, k, in, out]; depthwise: [k, k, in, multiplier], output c * mult + o.
        f[(p * inC + c) * outC + o] = depthwise || c === 0 ? kernels[o][p] : 0;
      }
    }
  }
  return f;
}

/** Angle of wavelet `l` (kymatio's order). */
const angle = (l: number) => ((Math.trunc(L - L / 2 - 1) - l) * Math.PI) / L;

/** `|input * psi_{j, l}|` for the L angles, strided by `stride`, as one node. */
function modulus(
  g: GraphBuilder,
  name: string,
  input: string,
  inC: number,
  j: number,
  stride: number,
): string {
  const sigma = 0.8 * 2 ** j, xi = (3 * Math.PI / 4) / 2 ** j, slant = 4 / L;
  const r = radius(sigma, slant), k = 2 * r + 1;
  const waves = Array.from({ length: L }, (_, l) => morlet(r, sigma, angle(l), xi, slant));
  const depthwise = inC > 1;
  const shape = [k, k, inC, L];
  const re = g.constant(`${name}/psi_re`, shape, stack(waves.map((w) => w.re), inC, depthwise));
  const im = g.constant(`${name}/psi_im`, shape, stack(waves.map((w) => w.im), inC, depthwise));
  const sq = (part: string, f: string) =>
    g.op(`${name}/${part}2`, "Square", [g.conv(`${name}/${part}`, input, f, stride, depthwise)]);
  return g.op(name, "Sqrt", [g.op(`${name}/sum`, "AddV2", [sq("re", re), sq("im", im)])]);
}

/** Low-pass `phi` (Gaussian, sigma 0.8 * 2^(J-1) at full resolution) of every channel. */
function lowPass(g: GraphBuilder, name: string, input: string, channels: number, res: number) {
  const sigma = (0.8 * 2 ** (J - 1)) / res;
  const r = radius(sigma, 1);
  const phi = gabor(r, sigma, 0, 0, 1).re;
  const total = phi.reduce((a, b) => a + b, 0);
  const f = g.constant(
    `${name}/phi`,
    [2 * r + 1, 2 * r + 1, channels, 1],
    stack([phi.map((v) => v / total)], channels, true),
  );
  return g.conv(name, input, f, 2 ** J / res, true);
}

/** The ScatterNet graph: input `image` `[28, 28, 1]`, outputs `scattering` and `normalized`. */
export function scatterNetFiles(): { json: ModelJSON; weights: Uint8Array } {
  const g = new GraphBuilder();
  const x = g.placeholder("image", [SIDE, SIDE, 1]);
  const u1j0 = modulus(g, "u1_j0", x, 1, 0, 1); // [28, 28, 8]
  const u1j1 = modulus(g, "u1_j1", x, 1, 1, 2); // [14, 14, 8]
  const u2 = modulus(g, "u2_j0_j1", u1j0, L, 1, 2); // [14, 14, 64]
  const s0 = lowPass(g, "s0", x, 1, 1);
  const s1a = lowPass(g, "s1_j0", u1j0, L, 1);
  const s1b = lowPass(g, "s1_j1", u1j1, L, 2);
  const s2 = lowPass(g, "s2", u2, L * L, 2);
  const channels = 1 + J * L + L * L * (J * (J - 1)) / 2; // 81
  const all = g.concat("scattering_maps", [s0, s1a, s1b, s2], 3); // [7, 7, 81]
  const side = SIDE / 2 ** J;
  g.reshape("scattering", all, [-1, side * side * channels]);
  // Group normalisation per image: 27 groups of 3 channels over the 7 x 7 positions.
  const grouped = g.reshape("groups", all, [-1, side, side, GROUPS, channels / GROUPS]);
  const mu = g.mean("groups/mean", grouped, [1, 2, 4]);
  const centred = g.op("groups/centred", "Sub", [grouped, mu]);
  const variance = g.mean("groups/variance", g.op("groups/sq", "Square", [centred]), [1, 2, 4]);
  const eps = g.constant("groups/epsilon", [], [1e-5]);
  const inv = g.op("groups/rsqrt", "Rsqrt", [g.op("groups/var_eps", "AddV2", [variance, eps])]);
  const normed = g.op("groups/normed", "Mul", [centred, inv]);
  g.reshape("normalized", normed, [-1, side * side * channels]);
  const metadata: ExtractorMetadata = {
    format: EXTRACTOR_FORMAT,
    version: 1,
    name: "scatternet-j2-l8-28x28",
    feature_layer: "normalized",
    input: { shape: [SIDE, SIDE, 1], scale: 1, units: "grey level / 255 (see preprocessing)" },
    preprocessing: {
      height: SIDE,
      width: SIDE,
      channels: 1,
      resize: "bilinear",
      scale: 1 / 255,
      offset: 0,
    },
    training: {
      data: "none: fixed Morlet wavelets (J=2, L=8) and a Gaussian low-pass, no learned weight",
      reference: "Tramer and Boneh, Differentially Private Learning Needs Better Features, " +
        "ICLR 2021; filters as kymatio's filter_bank",
      nodes: "scattering (81 x 7 x 7 raw coefficients), normalized (the same, group-normalised)",
    },
  };
  return g.toFiles({ extractor: metadata });
}
