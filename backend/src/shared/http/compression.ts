import { constants } from "node:zlib";
import compression from "compression";
import type { Request, RequestHandler, Response } from "express";
import { preferredWait } from "../changes";

/** Answers smaller than this leave as they are: compressing them saves a few bytes for a header and CPU. */
export const COMPRESSION_THRESHOLD = 1024;

/**
 * Compresses answers on the fly (JSON lists, problem+json, the API description, CSV and JSON
 * downloads, the documentation) with brotli or gzip, as the client's Accept-Encoding allows (brotli
 * when both are as welcome), from COMPRESSION_THRESHOLD bytes up, with `Vary: Accept-Encoding`;
 * without Accept-Encoding an answer is sent as it is. Brotli at quality 4 costs about what gzip's
 * default does and saves more (the library's default; 11 is for the portal's assets, compressed
 * once at build time and served by servePortal as they are).
 *
 * Never compressed: a server-sent event stream, which must reach the client as each event is
 * written, and a read that waits for a change (`Prefer: wait`, RFC 7240): one small object that
 * must leave the moment the change is heard, through whatever sits between (none of the API's
 * answers streams today; these stay out if one does).
 */
export function compressAnswers(): RequestHandler {
  return compression({
    threshold: COMPRESSION_THRESHOLD,
    brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
    filter: (req: Request, res: Response) => !waitsForChange(req) && !isEventStream(res) && compression.filter(req, res),
  });
}

const waitsForChange = (req: Request) => preferredWait(req.get("prefer")) > 0;
const isEventStream = (res: Response) => /^text\/event-stream\b/i.test(String(res.getHeader("content-type") ?? ""));
