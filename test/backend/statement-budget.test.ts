import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Client } from "pg";
import { loadSeeds } from "../../backend/src/ops/seed";
import { Stack } from "./support/stack";
import { eventually, type CallOptions, type Reply } from "./support/http";
import { writeChaosSeeds } from "./chaos/seeds";
import { maturityDate } from "./chaos/lifecycles";
import { Rng } from "./chaos/prng";

/**
 * How many SQL statements the API sends for each request of a receivable's lifecycle (the load
 * of `npm run bench:e2e`), counted on the API's connections: authentication, the transaction with
 * its BEGIN and COMMIT, and the audit row included. A request that needs more than its budget
 * fails here: hot paths do their work in as few statements as the lock order allows, and nothing
 * per request that can be done once. Lower a budget when a change saves a statement; raise one
 * only with the reason in the commit.
 */
const BUDGET = {
  "POST /v1/receivables (10 certificates)": 18, // auth, BEGIN, counterparties, invoices locked, attached, 10 outbox rows, certificates, COMMIT, audit
  "POST /v1/receivables/confirmations (10)": 10, // auth, BEGIN, certificates locked, change in flight, the obligor's standing (a delinquent obligor may not confirm: issue 17), the creditors' addresses (a confirmation names each certificate's facts: issue 15), outbox row, certificates, COMMIT, audit
  "POST /v1/financing-requests": 9, // auth, BEGIN, certificate locked, checks and request, the banks' people told (who, the notifications, the change announced), COMMIT, audit
  "POST /v1/financing-requests/:id/quotes": 10, // auth, BEGIN, request locked, certificate + line + earlier quote, quote, the supplier's people told (who, the notifications, the change announced), COMMIT, audit
  // auth, BEGIN, request, its quotes, certificate + bank, the three parties' standing (none suspended or being suspended: issue 15), line (locks); committed + deployment + key; writes; COMMIT, audit;
  // before the transaction, the financing agreement its terms bind (issue 19): whether it is signed, and who must sign it
  "POST /v1/quotes/:id/acceptance": 12,
  "GET /v1/operations/:id": 2, // auth, operation with its transaction and the indexer's checkpoint
  "GET /v1/financings/:id": 2, // auth, financing
} as const;
/** What an Idempotency-Key adds to a POST: the claim, its `applied` mark at commit, the stored answer. */
const IDEMPOTENCY = 3;

// every statement on the API's connections (not the worker's or the indexer's, which run in this process too)
let counted = 0;
const query = Client.prototype.query as (...args: unknown[]) => unknown;
(Client.prototype as unknown as { query: unknown }).query = function (this: Client & { connectionParameters?: { application_name?: string } }, ...args: unknown[]) {
  const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? "");
  // a key's last use is recorded at most once a minute: not per request
  if (this.connectionParameters?.application_name === "chainfactor-api" && !/"api_keys" SET "last_used_at"/.test(text)) counted++;
  return query.apply(this, args);
};

describe("statement budget of the lifecycle's requests", () => {
  let stack: Stack;
  let core: { id: string; key: string };
  let supplier: { id: string; key: string };
  let bank: { id: string; key: string };
  let invoices: string[];

  beforeAll(async () => {
    const seeds = writeChaosSeeds(new Rng(8), { suppliers: 1, banks: 1, invoicesPerSupplier: 20 });
    process.env.SEEDS_DIR = seeds.dir; // the invoice adapters of the in-process worker read it
    stack = await Stack.start({ env: { SEEDS_DIR: seeds.dir, RATE_LIMIT_PER_MINUTE: "1000000" } });
    const seeded = await loadSeeds({ baseUrl: stack.api.baseUrl, operatorKey: stack.operatorKey, seedsDir: seeds.dir, waitForVerificationMs: 60_000, activeTimeoutMs: 60_000 });
    const party = (uscc: string) => {
      const o = seeded.organizations.find((x) => x.uscc === uscc)!;
      return { id: o.id, key: o.key };
    };
    [core, supplier, bank] = [party(seeds.core), party(seeds.suppliers[0]), party(seeds.banks[0])];
    invoices = seeded.invoices.items.filter((i) => i.status === "verified").map((i) => i.id);
    const line = await stack.api.post("/v1/credit-lines", { obligorId: core.id, limit: "1000000000000" }, { key: bank.key });
    expect(line.status, JSON.stringify(line.body)).toBe(202);
    await eventually(async () => {
      const lines = (await stack.api.get("/v1/credit-lines", { key: bank.key })).body.items;
      return lines.some((l: { obligorId: string; requestedLimit: string | null }) => l.obligorId === core.id && l.requestedLimit === null);
    }, 60_000, "the credit line on the ledger");
  }, 240_000);
  afterAll(async () => stack?.close());

  /**
   * The statements `send` caused: counted until its answer is sent and, for a POST, what follows
   * the answer is written (its audit row, and the stored answer of an Idempotency-Key).
   */
  async function statements(send: (headers: Record<string, string>) => Promise<Reply>, status: number, post = true): Promise<{ n: number; reply: Reply }> {
    const requestId = `budget-${Math.random().toString(36).slice(2)}`;
    const before = counted;
    const reply = await send({ "x-request-id": requestId });
    expect(reply.status, JSON.stringify(reply.body).slice(0, 500)).toBe(status);
    expect(reply.headers.get("x-request-id")).toBe(requestId);
    if (post) {
      await eventually(async () => {
        const [{ audited, running }] = await stack.ds.query(
          `SELECT EXISTS (SELECT 1 FROM audit_log WHERE request_id = $1) AS audited, EXISTS (SELECT 1 FROM idempotency_keys WHERE status = 'in_progress') AS running`,
          [requestId],
        );
        return audited && !running;
      }, 10_000, "the audit row and the stored answer");
    }
    return { n: counted - before, reply };
  }
  const until = (path: string, key: string, done: (body: any) => boolean) =>
    eventually(async () => {
      const r = await stack.api.get(path, { key });
      return done(r.body) ? r.body : null;
    }, 60_000, path);

  for (const keyed of [false, true]) {
    it(`keeps each request of a lifecycle within its budget${keyed ? ", with an Idempotency-Key" : ""}`, async () => {
      const extra = keyed ? IDEMPOTENCY : 0;
      let n = 0;
      const o = (key: string, headers: Record<string, string>): CallOptions => ({ key, headers, ...(keyed ? { idempotencyKey: `budget-${++n}-${Date.now()}` } : {}) });
      const seen: Record<string, number> = {};
      const mine = invoices.splice(0, 10);
      const reg = await statements(
        (h) => stack.api.post("/v1/receivables", { items: mine.map((id) => ({ obligorId: core.id, invoiceIds: [id], maturityDate: maturityDate() })) }, o(supplier.key, h)),
        202,
      );
      seen["POST /v1/receivables (10 certificates)"] = reg.n - extra;
      const ids: string[] = reg.reply.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
      const registration = reg.reply.body.items[0].operation.id;
      seen["GET /v1/operations/:id"] = (await statements((headers) => stack.api.get(`/v1/operations/${registration}`, { key: supplier.key, headers }), 200, false)).n;
      for (const id of ids) await until(`/v1/receivables/${id}`, supplier.key, (r) => r.status === "pending");

      const conf = await statements((h) => stack.api.post("/v1/receivables/confirmations", { receivableIds: ids }, o(core.key, h)), 202);
      seen["POST /v1/receivables/confirmations (10)"] = conf.n - extra;
      for (const id of ids) await until(`/v1/receivables/${id}`, supplier.key, (r) => r.status === "confirmed");

      const req = await statements((h) => stack.api.post("/v1/financing-requests", { receivableId: ids[0] }, o(supplier.key, h)), 201);
      seen["POST /v1/financing-requests"] = req.n - extra;
      const validUntil = new Date(Date.now() + 3600_000).toISOString();
      const quote = await statements(
        (h) => stack.api.post(`/v1/financing-requests/${req.reply.body.id}/quotes`, { advanceRateBp: 9000, annualRateBp: 420, fee: "0", dayCount: 360, recourse: false, validUntil }, o(bank.key, h)),
        201,
      );
      seen["POST /v1/financing-requests/:id/quotes"] = quote.n - extra;
      const acc = await statements((h) => stack.api.post(`/v1/quotes/${quote.reply.body.id}/acceptance`, {}, o(supplier.key, h)), 202);
      seen["POST /v1/quotes/:id/acceptance"] = acc.n - extra;
      seen["GET /v1/financings/:id"] = (await statements((headers) => stack.api.get(`/v1/financings/${acc.reply.body.id}`, { key: supplier.key, headers }), 200, false)).n;

      for (const [what, budget] of Object.entries(BUDGET)) expect(seen[what], `${what}: ${seen[what]} statements, budget ${budget}`).toBeLessThanOrEqual(budget);
    });
  }
});
