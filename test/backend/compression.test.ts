/**
 * compressAnswers on a small express app: JSON lists and problems compressed as the client asks,
 * with Vary; small answers, reads waiting for a change and event streams never.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Server } from "node:http";
import express from "express";
import { compressAnswers, COMPRESSION_THRESHOLD } from "../../backend/src/shared/http/compression";
import { AppError } from "../../backend/src/shared/errors";
import { sendProblem } from "../../backend/src/shared/http/problem";
import { rawGet, variesByEncoding } from "./support/raw-http";

const items = Array.from({ length: 200 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, amount: String(1_000_000 + i), status: "confirmed" }));

describe(compressAnswers.name, () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(compressAnswers());
    app.get("/list", (_req, res) => res.json({ items }));
    app.get("/small", (_req, res) => res.json({ items: items.slice(0, 2) }));
    app.get("/waiting", (req, res) => res.set("Preference-Applied", req.get("prefer") ?? "").json({ items }));
    app.get("/events", (_req, res) => {
      res.type("text/event-stream").write(`data: ${JSON.stringify(items)}\n\n`);
      res.end();
    });
    app.get("/problem", (_req, res) => sendProblem(res, new AppError("REQUEST.INVALID", 422, "Every field is wrong.", items.map((i) => ({ field: i.id, message: "wrong" })))));
    server = await new Promise<Server>((r) => {
      const s = app.listen(0, () => r(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it("answers a large JSON list brotli or gzip as the client accepts, brotli on a tie, with Vary; as it is without Accept-Encoding", async () => {
    const plain = await rawGet(`${base}/list`);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.wire.length).toBeGreaterThan(10 * COMPRESSION_THRESHOLD);
    expect(variesByEncoding(plain)).toBe(true);
    for (const [accept, encoding] of [
      ["br", "br"],
      ["gzip", "gzip"],
      ["gzip, deflate, br, zstd", "br"],
      ["br;q=0.5, gzip", "gzip"],
      ["identity", undefined],
    ] as const) {
      const r = await rawGet(`${base}/list`, { "accept-encoding": accept });
      expect(r.status, accept).toBe(200);
      expect(r.headers["content-encoding"], accept).toBe(encoding);
      expect(r.headers["content-type"], accept).toMatch(/^application\/json/);
      expect(variesByEncoding(r), accept).toBe(true);
      expect(JSON.parse(r.body.toString("utf8")), accept).toEqual({ items });
      if (encoding) expect(r.wire.length, accept).toBeLessThan(plain.wire.length / 5);
    }
  });

  it("keeps a problem a problem+json, compressed like any answer", async () => {
    const r = await rawGet(`${base}/problem`, { "accept-encoding": "gzip" });
    expect(r.status).toBe(422);
    expect(r.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(r.body.toString("utf8")).code).toBe("REQUEST.INVALID");
  });

  it("leaves small answers, reads that wait for a change (Prefer: wait) and event streams as they are", async () => {
    const small = await rawGet(`${base}/small`, { "accept-encoding": "br, gzip" });
    expect(small.wire.length).toBeLessThan(COMPRESSION_THRESHOLD);
    expect(small.headers["content-encoding"]).toBeUndefined();
    const waiting = await rawGet(`${base}/waiting`, { "accept-encoding": "br, gzip", prefer: "wait=1" });
    expect(waiting.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(waiting.body.toString("utf8"))).toEqual({ items });
    const notWaiting = await rawGet(`${base}/waiting`, { "accept-encoding": "br, gzip", prefer: "return=minimal" });
    expect(notWaiting.headers["content-encoding"]).toBe("br");
    const events = await rawGet(`${base}/events`, { "accept-encoding": "br, gzip" });
    expect(events.headers["content-encoding"]).toBeUndefined();
    expect(events.body.toString("utf8")).toContain("data: ");
  });
});
