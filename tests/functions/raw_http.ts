/**
 * Raw HTTP/1.1 over loopback TCP, for requests no fetch implementation sends: bodies shorter than
 * their Content-Length, uploads that stall, headers that lie.
 *
 * @module
 */

/** A parsed response (or what arrived before the connection closed). */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from the request's first byte to the response's last. */
  ms: number;
  /** Whether the server closed the connection after answering. */
  closed: boolean;
}

/** Options of {@linkcode rawRequest}. */
export interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Bytes actually sent after the headers. */
  body?: Uint8Array;
  /** Half-close the connection after sending (a client that gave up mid-upload). */
  closeWrite?: boolean;
  /** Give up reading after this long (ms). */
  timeoutMs?: number;
  /** After a complete answer, wait this long (ms) to see whether the server closes. Default 0. */
  closeWaitMs?: number;
}

/** Sends one request to `base` (`http://127.0.0.1:port`) and reads the answer. */
export async function rawRequest(
  base: string,
  path: string,
  o: RawOptions = {},
): Promise<RawResponse> {
  const url = new URL(base);
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const t0 = performance.now();
  const head = [`${o.method ?? "POST"} ${path} HTTP/1.1`, `host: ${url.host}`];
  for (const [k, v] of Object.entries(o.headers ?? {})) head.push(`${k}: ${v}`);
  await conn.write(new TextEncoder().encode(head.join("\r\n") + "\r\n\r\n"));
  if (o.body?.length) await conn.write(o.body);
  if (o.closeWrite) await conn.closeWrite();
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  let closed = false;
  const timer = setTimeout(() => conn.close(), o.timeoutMs ?? 30_000);
  const text = () => new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  try {
    while (true) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) {
        closed = true;
        break;
      }
      chunks.push(buf.slice(0, n));
      const t = text();
      const end = t.indexOf("\r\n\r\n");
      const len = /\r\ncontent-length:\s*(\d+)/i.exec(t)?.[1];
      // Complete once the declared body is in; then maybe wait to see whether it closes.
      if (end >= 0 && len !== undefined && t.length >= end + 4 + Number(len)) {
        if (o.closeWaitMs) {
          const more = await Promise.race([
            conn.read(buf).catch(() => null),
            new Promise<"open">((r) => setTimeout(() => r("open"), o.closeWaitMs)),
          ]);
          closed = more === null;
        }
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed */ }
  }
  const ms = performance.now() - t0;
  const t = text();
  const end = t.indexOf("\r\n\r\n");
  const lines = t.slice(0, Math.max(0, end)).split("\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? "")?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status, headers, body: end >= 0 ? t.slice(end + 4) : "", ms, closed };
}
