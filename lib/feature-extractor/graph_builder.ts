/**
 * A small writer of tfjs graph models (`format: "graph-model"`, a TensorFlow GraphDef in JSON
 * with constant weights in a binary file), for extractors with fixed filters that need no
 * training: any tfjs runtime loads them with `tf.loadGraphModel`.
 *
 * @module
 */
import type { ModelJSON } from "./model_files.ts";

/** A GraphDef node as tfjs-converter writes it. */
interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

const FLOAT = { type: "DT_FLOAT" };
const INT32 = { type: "DT_INT32" };

function b64(s: string): string {
  return btoa(s);
}

function ints(values: number[]): { list: { i: string[] } } {
  return { list: { i: values.map(String) } };
}

/** Builds a graph node by node; {@linkcode GraphBuilder.toFiles} gives `model.json` and weights. */
export class GraphBuilder {
  #nodes: GraphNode[] = [];
  #weights: {
    name: string;
    shape: number[];
    dtype: "float32" | "int32";
    data: ArrayLike<number>;
  }[] = [];

  /** A float input `[-1, ...shape]`. */
  placeholder(name: string, shape: number[]): string {
    const dim = [-1, ...shape].map((d) => ({ size: String(d) }));
    this.#nodes.push({
      name,
      op: "Placeholder",
      attr: { dtype: FLOAT, shape: { shape: { dim } } },
    });
    return name;
  }

  /** A constant tensor (stored in the weights file). */
  constant(
    name: string,
    shape: number[],
    data: ArrayLike<number>,
    dtype: "float32" | "int32" = "float32",
  ): string {
    const t = dtype === "float32" ? FLOAT : INT32;
    const dim = shape.map((d) => ({ size: String(d) }));
    this.#nodes.push({
      name,
      op: "Const",
      attr: { dtype: t, value: { tensor: { dtype: t.type, tensorShape: { dim } } } },
    });
    this.#weights.push({ name, shape, dtype, data });
    return name;
  }

  /** `Conv2D` (NHWC, SAME padding) of `input` with the constant filter `filter`. */
  conv(name: string, input: string, filter: string, stride: number, depthwise = false): string {
    this.#nodes.push({
      name,
      op: depthwise ? "DepthwiseConv2dNative" : "Conv2D",
      input: [input, filter],
      attr: {
        T: FLOAT,
        strides: ints([1, stride, stride, 1]),
        padding: { s: b64("SAME") },
        data_format: { s: b64("NHWC") },
        dilations: ints([1, 1, 1, 1]),
      },
    });
    return name;
  }

  /** An element-wise op of one or two inputs (`Square`, `Sqrt`, `AddV2`, `Sub`, `Mul`, ...). */
  op(name: string, op: string, inputs: string[]): string {
    this.#nodes.push({ name, op, input: inputs, attr: { T: FLOAT } });
    return name;
  }

  /** `Mean` over the constant `axes`, keeping dimensions. */
  mean(name: string, input: string, axes: number[]): string {
    const a = this.constant(`${name}/axes`, [axes.length], axes, "int32");
    this.#nodes.push({
      name,
      op: "Mean",
      input: [input, a],
      attr: { T: FLOAT, Tidx: INT32, keep_dims: { b: true } },
    });
    return name;
  }

  /** `Reshape` to a constant shape. */
  reshape(name: string, input: string, shape: number[]): string {
    const s = this.constant(`${name}/shape`, [shape.length], shape, "int32");
    this.#nodes.push({ name, op: "Reshape", input: [input, s], attr: { T: FLOAT, Tshape: INT32 } });
    return name;
  }

  /** `ConcatV2` of `inputs` along `axis`. */
  concat(name: string, inputs: string[], axis: number): string {
    const a = this.constant(`${name}/axis`, [], [axis], "int32");
    this.#nodes.push({
      name,
      op: "ConcatV2",
      input: [...inputs, a],
      attr: { T: FLOAT, Tidx: INT32, N: { i: String(inputs.length) } },
    });
    return name;
  }

  /** `model.json` (with `metadata` as `userDefinedMetadata`) and the one weights file. */
  toFiles(metadata: Record<string, unknown>): { json: ModelJSON; weights: Uint8Array } {
    const total = this.#weights.reduce((n, w) => n + w.data.length * 4, 0);
    const bytes = new Uint8Array(total);
    const view = new DataView(bytes.buffer);
    let offset = 0;
    for (const w of this.#weights) {
      for (let i = 0; i < w.data.length; i++, offset += 4) {
        if (w.dtype === "int32") view.setInt32(offset, w.data[i], true);
        else view.setFloat32(offset, w.data[i], true);
      }
    }
    const json = {
      format: "graph-model",
      generatedBy: "faster-cryptonets lib/feature-extractor/graph_builder.ts",
      convertedBy: null,
      modelTopology: { node: this.#nodes, library: {}, versions: { producer: 1 } },
      weightsManifest: [{
        paths: ["weights.bin"],
        weights: this.#weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
      }],
      userDefinedMetadata: metadata,
    } as unknown as ModelJSON;
    return { json, weights: bytes };
  }
}
