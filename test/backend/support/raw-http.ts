import { request } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";

/** An answer as it came over the wire: fetch would ask for compression itself and undo it unseen. */
export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes sent (compressed when Content-Encoding says so). */
  wire: Buffer;
  /** The body with its Content-Encoding undone. */
  body: Buffer;
}

/** GET with exactly the headers given (no Accept-Encoding unless given). */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const wire = Buffer.concat(chunks);
        const encoding = res.headers["content-encoding"];
        const body = encoding === "br" ? brotliDecompressSync(wire) : encoding === "gzip" ? gunzipSync(wire) : wire;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, wire, body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Whether a Vary header names Accept-Encoding. */
export const variesByEncoding = (r: RawReply): boolean => /(^|,)\s*accept-encoding\s*(,|$)/i.test(String(r.headers.vary ?? ""));
