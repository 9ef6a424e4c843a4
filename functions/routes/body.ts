/** Request-body helpers shared by the binary routes. @module */
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ENVELOPE_TYPE } from "../../lib/protocol/api.ts";
import { ApiError } from "../errors.ts";

/** Middleware answering 413 (JSON) above `maxBytes`. */
export function limitBody(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, "body-too-large", `expected a body of at most ${maxBytes} bytes`);
    },
  });
}

/** The media type of a request, lower-cased, without parameters. */
export function mediaType(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

/** Reads a binary envelope body, refusing other content types (415) and empty bodies (400). */
export async function envelopeBody(c: Context): Promise<Uint8Array> {
  const type = mediaType(c);
  if (type !== ENVELOPE_TYPE) {
    throw new ApiError(
      415,
      "unsupported-media-type",
      `expected content-type ${ENVELOPE_TYPE}, received ${type || "none"}`,
    );
  }
  const body = new Uint8Array(await c.req.arrayBuffer());
  if (body.length === 0) {
    throw new ApiError(400, "empty-body", "expected an envelope, received an empty body");
  }
  return body;
}

/** Reads one named part of a multipart body as bytes. */
export async function multipartParts(
  c: Context,
  names: string[],
): Promise<Record<string, Uint8Array | null>> {
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody();
  } catch (e) {
    throw new ApiError(
      400,
      "bad-multipart",
      `expected a multipart/form-data body, received one that does not parse (${
        (e as Error).message
      })`,
    );
  }
  const out: Record<string, Uint8Array | null> = {};
  for (const n of names) {
    const v = form[n];
    out[n] = v instanceof File ? new Uint8Array(await v.arrayBuffer()) : null;
  }
  return out;
}
