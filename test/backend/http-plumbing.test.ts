import { createHash } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack, randomUscc } from "./support/stack";
import { eventually } from "./support/http";
import { AuditWriter } from "../../backend/src/modules/audit/audit.middleware";
import { asClaimOwner } from "../../backend/src/shared/http/idempotency";
import type { Logger } from "../../backend/src/shared/logger";
import { COMPRESSION_THRESHOLD } from "../../backend/src/shared/http/compression";
import { rawGet, variesByEncoding } from "./support/raw-http";

const METRICS_TOKEN = "metrics-token-for-the-plumbing-test";

describe("HTTP plumbing", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ env: { RATE_LIMIT_PER_MINUTE: "1000", METRICS_TOKEN } });
  });
  afterAll(async () => stack?.close());
  const op = () => ({ key: stack.operatorKey });
  const count = async (table: string) => Number((await stack.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  describe("Idempotency-Key", () => {
    it("replays the first response for a repeat and writes once", async () => {
      const body = { legalName: "Idempotent Ltd", unifiedSocialCreditCode: randomUscc(), roles: ["supplier"], enterpriseSize: "small" };
      const first = await stack.api.post("/v1/organizations", body, { ...op(), idempotencyKey: "create-1" });
      const before = await count("organizations");
      const again = await stack.api.post("/v1/organizations", body, { ...op(), idempotencyKey: "create-1" });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(await count("organizations")).toBe(before);
    });

    it("answers 422 when the key is reused for a different request, and replays errors too", async () => {
      const body = { legalName: "Another Ltd", unifiedSocialCreditCode: randomUscc(), roles: ["bank"] };
      await stack.api.post("/v1/organizations", body, { ...op(), idempotencyKey: "create-2" });
      const other = await stack.api.post("/v1/organizations", { ...body, legalName: "Changed Ltd" }, { ...op(), idempotencyKey: "create-2" });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe("IDEMPOTENCY.KEY_REUSED");
      const bad = { legalName: "Bad", unifiedSocialCreditCode: "X", roles: [] };
      const e1 = await stack.api.post("/v1/organizations", bad, { ...op(), idempotencyKey: "bad-1" });
      const e2 = await stack.api.post("/v1/organizations", bad, { ...op(), idempotencyKey: "bad-1" });
      expect([e1.status, e2.status]).toEqual([422, 422]);
      expect(e2.body).toEqual(e1.body);
      expect(e2.contentType).toMatch(/application\/problem\+json/);
    });

    it("survives an API process that died holding a key: a retry runs it if nothing was written, and says so if something was", async () => {
      const scopeOf = async (key: string) => (await stack.ds.query(`SELECT scope FROM idempotency_keys WHERE key = $1`, [key]))[0].scope as string;
      await stack.api.post("/v1/api-keys", { label: "scope probe" }, { ...op(), idempotencyKey: "scope-probe" });
      const scope = await scopeOf("scope-probe");
      // the claim an API process leaves when SIGKILLed mid-request (same request: same hash)
      const body = { legalName: "Crashed Request Ltd", unifiedSocialCreditCode: randomUscc(), roles: ["supplier"], enterpriseSize: "small" };
      const hash = createHash("sha256").update("POST /v1/organizations\n").update(JSON.stringify(body)).digest("hex");
      const orphan = (key: string, applied: boolean, leaseMs: number) =>
        stack.ds.query(
          `INSERT INTO idempotency_keys (scope, key, request_hash, status, owner, applied, lease_until) VALUES ($1, $2, $3, 'in_progress', gen_random_uuid(), $4, now() + $5 * interval '1 millisecond')`,
          [scope, key, hash, applied, leaseMs],
        );
      await orphan("held", false, 60_000);
      const held = await stack.api.post("/v1/organizations", body, { ...op(), idempotencyKey: "held" });
      expect([held.status, held.body.code]).toEqual([409, "IDEMPOTENCY.IN_PROGRESS"]);

      await orphan("died-before-writing", false, -1);
      const before = await count("organizations");
      const retried = await stack.api.post("/v1/organizations", body, { ...op(), idempotencyKey: "died-before-writing" });
      expect(retried.status).toBe(201);
      expect(await count("organizations")).toBe(before + 1);
      const replay = await stack.api.post("/v1/organizations", body, { ...op(), idempotencyKey: "died-before-writing" });
      expect([replay.status, replay.body.id]).toEqual([201, retried.body.id]);
      expect((await stack.ds.query(`SELECT applied FROM idempotency_keys WHERE key = 'died-before-writing'`))[0].applied).toBe(true);

      await orphan("died-after-writing", true, -1);
      const lost = await stack.api.post("/v1/organizations", body, { ...op(), idempotencyKey: "died-after-writing" });
      expect([lost.status, lost.body.code]).toEqual([409, "IDEMPOTENCY.ANSWER_LOST"]);
      expect(await count("organizations")).toBe(before + 1);
    });

    it("lets a request whose claim a retry took over write nothing, and marks the owner's write applied", async () => {
      const scope = "takeover-probe";
      const [{ owner }] = await stack.ds.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, status, owner, applied, lease_until)
         VALUES ($1, 'k', 'h', 'in_progress', gen_random_uuid(), false, now() + interval '1 minute') RETURNING owner::text`,
        [scope],
      );
      await stack.ds.query(`CREATE TABLE IF NOT EXISTS takeover_probe (n int)`);
      const write = (n: number) => stack.ds.transaction((em) => em.query(`INSERT INTO takeover_probe VALUES ($1)`, [n]));
      // the first attempt, whose claim the retry now owns: its transaction must not commit
      await expect(asClaimOwner({ scope, key: "k", owner: "00000000-0000-4000-8000-000000000000" }, () => write(1))).rejects.toMatchObject({ code: "IDEMPOTENCY.TAKEN_OVER" });
      await asClaimOwner({ scope, key: "k", owner }, () => write(2));
      expect((await stack.ds.query(`SELECT n FROM takeover_probe`)).map((r: { n: number }) => r.n)).toEqual([2]);
      expect((await stack.ds.query(`SELECT applied FROM idempotency_keys WHERE scope = $1`, [scope]))[0].applied).toBe(true);
    });

    it("scopes keys per organization and rejects unusable keys", async () => {
      const a = await stack.onboard(["supplier"]);
      const b = await stack.onboard(["supplier"]);
      const r1 = await stack.api.post("/v1/api-keys", { label: "one" }, { key: a.key, idempotencyKey: "same" });
      const r2 = await stack.api.post("/v1/api-keys", { label: "one" }, { key: b.key, idempotencyKey: "same" });
      expect([r1.status, r2.status]).toEqual([201, 201]);
      expect(r1.body.id).not.toBe(r2.body.id);
      const tooLong = await stack.api.post("/v1/api-keys", { label: "x" }, { key: a.key, idempotencyKey: "k".repeat(256) });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.code).toBe("IDEMPOTENCY.INVALID_KEY");
    });
  });

  describe("rate limit", () => {
    it("answers 429 with Retry-After when an organization exceeds its budget", async () => {
      const limited = await Stack.start({ workers: 0, indexer: false, env: { RATE_LIMIT_PER_MINUTE: "5" } });
      try {
        const replies = [];
        for (let i = 0; i < 7; i++) replies.push(await limited.api.get("/v1/me", { key: limited.operatorKey }));
        expect(replies.slice(0, 5).every((r) => r.status === 200)).toBe(true);
        const last = replies[6];
        expect(last.status).toBe(429);
        expect(last.body.code).toBe("RATE_LIMIT.EXCEEDED");
        expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(replies[0].headers.get("ratelimit-limit")).toBe("5");
      } finally {
        await limited.close();
      }
    });
  });

  describe("audit log", () => {
    it("records every state-changing request without secrets, and cannot be altered", async () => {
      const member = await stack.onboard(["bank"]);
      const issued = await stack.api.post("/v1/api-keys", { label: "audited" }, { key: member.key });
      const rejected = await stack.api.post("/v1/organizations", { legalName: "x" }, { key: member.key });
      expect(rejected.status).toBe(403);
      // the audit row is written once the response is sent: wait for both
      const rows = await eventually(async () => {
        const found = await stack.ds.query(`SELECT * FROM audit_log WHERE organization_id = $1 ORDER BY id`, [member.orgId]);
        const actions = found.map((r: { action: string; status: number }) => `${r.action} ${r.status}`);
        return actions.includes("POST /v1/api-keys 201") && actions.includes("POST /v1/organizations 403") ? found : null;
      }, 5000, "the audit rows");
      expect(JSON.stringify(rows)).not.toContain(issued.body.key);
      expect(JSON.stringify(rows)).not.toContain(member.key);
      await expect(stack.ds.query(`UPDATE audit_log SET status = 200`)).rejects.toThrow(/append-only/);
      await expect(stack.ds.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    });

    it("writes the rows of requests finishing together in one go, and a row Postgres refuses costs only itself", async () => {
      const logged: string[] = [];
      const log = { error: (o: { requestId: string }) => logged.push(o.requestId) } as unknown as Logger;
      const writer = new AuditWriter(stack.ds, log);
      const row = (requestId: string, organizationId: string | null = null) => ({
        requestId, organizationId, userId: null, apiKeyId: null, method: "POST", path: "/v1/x", action: "POST /v1/x", status: 202, detail: { body: { note: 'a "quoted" \\ value' } },
      });
      const tag = randomUscc();
      // the first goes alone; the rest wait for it and go together, one of them refused (not a uuid)
      for (let i = 0; i < 6; i++) writer.add(row(`${tag}-${i}`, i === 3 ? "not-a-uuid" : null));
      await writer.flush();
      const rows: { request_id: string; detail: unknown }[] = await stack.ds.query(`SELECT request_id, detail FROM audit_log WHERE request_id LIKE $1 ORDER BY id`, [`${tag}-%`]);
      expect(rows.map((r) => r.request_id)).toEqual([0, 1, 2, 4, 5].map((i) => `${tag}-${i}`));
      expect(rows[0].detail).toEqual({ body: { note: 'a "quoted" \\ value' } });
      expect(logged).toEqual([`${tag}-3`]);
    });
  });

  describe("operations endpoints", () => {
    it("serves /health with every dependency, /metrics, /openapi.json and /docs without a key", async () => {
      const health = await stack.api.get("/health");
      expect(health.status).toBe(200);
      expect(Object.keys(health.body.checks).sort()).toEqual(["ledger", "postgres", "queue", "redis"]);
      expect(health.body.checks.queue).toHaveProperty("unfinishedOperations");
      // /metrics needs the configured token (unset: not served at all, see the authorization matrix)
      expect((await stack.api.get("/metrics")).status).toBe(401);
      expect((await stack.api.get("/metrics", { key: "not-the-token" })).status).toBe(401);
      const metrics = await stack.api.get("/metrics", { key: METRICS_TOKEN });
      expect(metrics.status).toBe(200);
      expect(metrics.body).toMatch(/http_requests_total/);
      const doc = await stack.api.get("/openapi.json");
      expect(doc.body.openapi).toBe("3.0.3");
      expect(Object.keys(doc.body.paths)).toContain("/v1/organizations/{id}/kyc-approval");
      const docs = await fetch(`${stack.api.baseUrl}/docs/`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toMatch(/swagger-ui/i);
    });

    it("names every property of /openapi.json in camelCase, and describes every response body's properties", async () => {
      const doc = (await stack.api.get("/openapi.json")).body;
      const snake: string[] = [];
      const open: string[] = [];
      const walk = (schema: any, where: string, inResponse: boolean) => {
        if (!schema || typeof schema !== "object") return;
        if (schema.$ref) return; // walked where it is defined
        for (const [name, sub] of Object.entries<any>(schema.properties ?? {})) {
          if (!/^[a-z][a-zA-Z0-9]*$/.test(name)) snake.push(`${where}.${name}`);
          walk(sub, `${where}.${name}`, inResponse);
        }
        if (inResponse && schema.type === "object" && !schema.properties && schema.additionalProperties !== undefined) open.push(where);
        for (const k of ["items", "additionalProperties"]) walk(schema[k], `${where}[]`, inResponse);
        for (const k of ["allOf", "anyOf", "oneOf"]) (schema[k] ?? []).forEach((x: unknown, i: number) => walk(x, `${where}|${i}`, inResponse));
      };
      for (const [name, schema] of Object.entries<any>(doc.components.schemas)) walk(schema, `#/components/schemas/${name}`, true);
      for (const [path, methods] of Object.entries<any>(doc.paths)) {
        for (const [method, o] of Object.entries<any>(methods)) {
          const at = `${method.toUpperCase()} ${path}`;
          for (const p of o.parameters ?? []) if (p.in !== "header" && !/^[a-z][a-zA-Z0-9]*$/.test(p.name)) snake.push(`${at} parameter ${p.name}`);
          walk(o.requestBody?.content?.["application/json"]?.schema, `${at} body`, false);
          for (const [status, r] of Object.entries<any>(o.responses)) walk(r.content?.["application/json"]?.schema, `${at} ${status}`, true);
        }
      }
      expect(snake, "property names not in camelCase").toEqual([]);
      // maps whose keys are data, not names: EIP-712 typed data (its own standard's names), counts by error code, a webhook event's data (docs/webhooks.md), a notification's figures (by its kind: docs/notifications.md), a draft's action body (the action's own schema), a quarantined ledger event's arguments (whatever the contract emitted)
      expect(open, "response objects whose properties /openapi.json does not describe").toEqual([
        "#/components/schemas/DraftCreate.body",
        "#/components/schemas/WebhookDelivery.payload.data",
        "#/components/schemas/ReconciliationReport.summary.byCode",
        "#/components/schemas/BankStatementSummary.reconciliation.byCode",
        "#/components/schemas/Notification.params",
        "#/components/schemas/QuarantinedChainEvent.args",
        "GET /v1/receivables/confirmations/typed-data 200.domain",
        "GET /v1/receivables/confirmations/typed-data 200.types",
        "GET /v1/receivables/confirmations/typed-data 200.message",
        "GET /v1/quotes/{id}/terms 200.domain",
        "GET /v1/quotes/{id}/terms 200.types",
        "GET /v1/quotes/{id}/terms 200.message",
      ]);
    });

    it("opens the queue dashboard to the operator's approvers and admins only; its writes need the session's CSRF token", async () => {
      const member = await stack.onboard(["supplier"]);
      expect((await stack.api.get("/admin/queues", op())).status).toBe(200);
      const denied = await stack.api.get("/admin/queues", { key: member.key });
      expect(denied.status).toBe(403);
      expect((await stack.api.get("/admin/queues")).status).toBe(401);
      // the operator's own people, by duty and role
      const personOf = async (role: "admin" | "member", duty: "viewer" | "clerk" | "approver") =>
        stack.fixtureUser(stack.operatorOrgId, { role, duty, email: `${role}-${duty}-${randomUscc().slice(-6).toLowerCase()}@queues.example`, password: "queue dashboard password" });
      for (const [role, duty, allowed] of [
        ["member", "viewer", false],
        ["member", "clerk", false],
        ["member", "approver", true],
        ["admin", "clerk", true],
      ] as const) {
        const p = await personOf(role, duty);
        for (const path of ["/admin/queues", "/admin/queues/api/queues"]) {
          const r = await stack.api.get(path, { key: p.key });
          expect(r.status, `${role} ${duty} GET ${path}`).toBe(allowed ? 200 : 403);
          if (!allowed) expect(JSON.stringify(r.body), `${role} ${duty} sees no job data`).not.toMatch(/"jobs"|"counts"/);
        }
        if (!allowed) expect((await stack.api.call("PUT", "/admin/queues/api/queues/pause", undefined, { key: p.key })).status, `${role} ${duty} pauses every queue`).toBe(403);
      }
      // a browser session: a write without the CSRF token is refused; the dashboard's own header name carries it
      const approver = await personOf("member", "approver");
      const signIn = await stack.api.post("/v1/sessions", { email: approver.email, password: "queue dashboard password" });
      const cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      const csrf = signIn.body.csrfToken as string;
      const page = await stack.api.get("/admin/queues", { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(page.headers.getSetCookie().join()).toContain(`XSRF-TOKEN=${csrf}`);
      const forged = await stack.api.call("PUT", "/admin/queues/api/queues/pause", undefined, { headers: { cookie } });
      expect([forged.status, forged.body.code]).toEqual([403, "CSRF.REFUSED"]);
      const paused = await stack.api.call("PUT", "/admin/queues/api/queues/pause", undefined, { headers: { cookie, "x-xsrf-token": csrf } });
      expect(paused.status).toBe(200);
      await stack.api.call("PUT", "/admin/queues/api/queues/resume", undefined, { headers: { cookie, "x-xsrf-token": csrf } });
    });

    it("sends the security headers on every answer, and no-store on private data", async () => {
      const member = await stack.onboard(["bank"]);
      const answers = {
        "/v1/me": await stack.api.get("/v1/me", { key: member.key }),
        "/v1 error": await stack.api.get("/v1/organizations/not-a-uuid", { key: member.key }),
        "/v1 unauthenticated": await stack.api.get("/v1/me"),
        "unknown path": await stack.api.get("/nowhere"),
        "/openapi.json": await stack.api.get("/openapi.json"),
        "/docs/": await stack.api.get("/docs/"),
        "/health": await stack.api.get("/health"),
        "CSV download": await stack.api.get(`/v1/reconciliation/report?date=2026-01-05&format=csv`, { key: member.key }),
        "/admin/queues": await stack.api.get("/admin/queues", op()),
      };
      expect(answers["CSV download"].contentType).toMatch(/text\/csv/);
      for (const [what, r] of Object.entries(answers)) {
        expect(r.headers.get("x-content-type-options"), what).toBe("nosniff");
        expect(r.headers.get("x-frame-options"), what).toBe("DENY");
        expect(r.headers.get("content-security-policy"), what).toMatch(/frame-ancestors 'none'/);
        expect(r.headers.get("referrer-policy"), what).toBeTruthy();
      }
      for (const what of ["/v1/me", "/v1 error", "/v1 unauthenticated", "CSV download", "/admin/queues"] as const) {
        expect(answers[what].headers.get("cache-control"), what).toBe("no-store");
      }
    });

    it("echoes a sane X-Request-Id and uses it as the problem's instance", async () => {
      const r = await stack.api.get("/v1/organizations/not-a-uuid", { ...op(), headers: { "x-request-id": "trace-123" } });
      expect(r.headers.get("x-request-id")).toBe("trace-123");
      expect(r.body.instance).toBe("trace-123");
      const hostile = await stack.api.get("/v1/me", { ...op(), headers: { "x-request-id": "<script>" } });
      expect(hostile.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe("compression", () => {
    it("answers a large JSON list brotli or gzip as the client accepts, with Vary and the same headers; as it is without Accept-Encoding", async () => {
      for (let i = 0; i < 6; i++) {
        const created = await stack.api.post("/v1/organizations", { legalName: `Compressed Lists ${i} Ltd`, unifiedSocialCreditCode: randomUscc(), roles: ["supplier"], enterpriseSize: "small" }, op());
        expect(created.status).toBe(201);
      }
      const url = `${stack.api.baseUrl}/v1/organizations?limit=100`;
      const auth = { authorization: `Bearer ${stack.operatorKey}` };
      const plain = await rawGet(url, auth);
      expect(plain.status).toBe(200);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.wire.length).toBeGreaterThan(2 * COMPRESSION_THRESHOLD);
      const list = JSON.parse(plain.body.toString("utf8")) as { items: unknown[] };
      expect(list.items.length).toBeGreaterThanOrEqual(6);
      for (const encoding of ["br", "gzip"]) {
        const r = await rawGet(url, { ...auth, "accept-encoding": encoding });
        expect(r.status, encoding).toBe(200);
        expect(r.headers["content-encoding"], encoding).toBe(encoding);
        expect(variesByEncoding(r), encoding).toBe(true);
        expect(r.wire.length, encoding).toBeLessThan(plain.wire.length / 2);
        expect(JSON.parse(r.body.toString("utf8")), encoding).toEqual(list);
        for (const h of ["content-type", "cache-control", "x-content-type-options", "x-frame-options", "content-security-policy", "ratelimit-limit"]) {
          expect(r.headers[h], `${encoding} ${h}`).toBe(plain.headers[h]);
        }
      }
      // a problem stays a problem+json, whatever the client accepts
      const problem = await rawGet(`${stack.api.baseUrl}/v1/organizations/not-a-uuid`, { ...auth, "accept-encoding": "br, gzip" });
      expect(problem.status).toBeGreaterThanOrEqual(400);
      expect(problem.status).toBeLessThan(500);
      expect(problem.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(problem.body.toString("utf8")).code).toBeTruthy();
    });
  });
});
