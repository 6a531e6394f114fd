/**
 * The race suite's world: one platform with two API servers (the test's own and a child process),
 * a worker and the indexer; a core enterprise, four suppliers, four banks and the settlement
 * issuer, with money, repayment authorization and credit lines on chain; and certificates made in
 * bulk beforehand, so that each round of a race only sends its two conflicting requests.
 */
import { expect } from "vitest";
import { loadSeeds } from "../../../backend/src/ops/seed";
import { Stack } from "../support/stack";
import { Api, eventually, type Reply } from "../support/http";
import { FAULT_ENV, freePort, spawnProc, type Proc } from "../faults/kit";
import { removeCompiled, spawnCompiled } from "../chaos/build";
import { writeChaosSeeds } from "../chaos/seeds";
import { Rng } from "../chaos/prng";
import { maturityDate } from "../chaos/lifecycles";

export interface Party {
  id: string;
  uscc: string;
  key: string;
}

const DEPOSIT = 10n ** 13n; // fen: far more than the suite moves
const BIG_LINE = DEPOSIT / 4n;

export class RaceWorld {
  private constructor(
    readonly stack: Stack,
    private readonly children: Proc[],
    /** The two API servers; a race sends one request to each. */
    readonly servers: [Api, Api],
    readonly core: Party,
    readonly suppliers: Party[],
    /** A and B quote freely; C and D have lines the races cut to size. */
    readonly banks: Party[],
    readonly issuer: Party,
    private readonly invoices: Map<string, string[]>,
  ) {}

  static async start(rng: Rng, certificates: number): Promise<RaceWorld> {
    const seeds = writeChaosSeeds(rng, { suppliers: 4, banks: 4, invoicesPerSupplier: Math.ceil(certificates / 4) + 5 });
    // the worker is a child process: the invoice adapters read SEEDS_DIR from their own environment
    const stack = await Stack.start({ workers: 0, env: { ...FAULT_ENV, SEEDS_DIR: seeds.dir, KEEPER_INTERVAL_MS: "300", KEEPER_RETRY_MS: "300" } });
    const port = await freePort();
    const children = [spawnProc(stack, "api", { PORT: String(port) }, spawnCompiled), spawnProc(stack, "worker", {}, spawnCompiled)];
    try {
      await Promise.all(children.map((c) => c.ready()));
      const servers: [Api, Api] = [stack.api, new Api(`http://127.0.0.1:${port}`)];
      const seeded = await loadSeeds({ baseUrl: stack.api.baseUrl, operatorKey: stack.operatorKey, seedsDir: seeds.dir, waitForVerificationMs: 120_000, activeTimeoutMs: 60_000 });
      const party = (uscc: string): Party => {
        const s = seeded.organizations.find((x) => x.uscc === uscc)!;
        return { id: s.id, uscc, key: s.key };
      };
      const invoices = new Map(seeds.suppliers.map((u) => [u, seeded.invoices.items.filter((i) => i.supplier === u && i.status === "verified").map((i) => i.id)]));
      const world = new RaceWorld(stack, children, servers, party(seeds.core), seeds.suppliers.map(party), seeds.banks.map(party), party(seeds.issuer), invoices);
      await world.fund();
      return world;
    } catch (e) {
      for (const c of children) await c.stop();
      await stack.close();
      throw e;
    }
  }

  async close() {
    for (const c of this.children) await c.stop();
    await this.stack.close();
    removeCompiled();
  }

  get api() {
    return this.servers[0];
  }

  /** Deposits for the banks and the core enterprise, its repayment authorization, and a credit line per bank. */
  private async fund() {
    const ops: { id: string; key: string }[] = [];
    for (const o of [this.core, ...this.banks]) {
      const r = await this.api.post("/v1/settlement/deposits", { organizationId: o.id, amount: DEPOSIT.toString() }, this.issuer);
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      ops.push({ id: r.body.id, key: this.issuer.key });
    }
    const auth = await this.api.post("/v1/settlement/repayment-authorization", { amount: DEPOSIT.toString() }, this.core);
    ops.push({ id: auth.body.id, key: this.core.key });
    for (const op of ops) await this.mined(op.id, op.key);
    for (const bank of this.banks) await this.setLine(bank, BIG_LINE);
  }

  // ─── Following the platform ───────────────────────────────────────

  async mined(operationId: string, key: string) {
    return eventually(async () => {
      const r = await this.api.get(`/v1/operations/${operationId}`, { key });
      if (r.body.status === "failed") throw new Error(`operation ${operationId} failed: ${JSON.stringify(r.body.error)}`);
      return r.body.status === "mined" ? r.body : null;
    }, 60_000, `operation ${operationId}`);
  }

  /** Every operation in the outbox finished and projected: the platform is at rest. */
  async quiet() {
    await eventually(async () => {
      const [{ n }] = await this.stack.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE status IN ('pending', 'submitted')`);
      const [{ f }] = await this.stack.ds.query(`SELECT count(*)::int AS f FROM financings WHERE status IN ('registry_check', 'submitting')`);
      const [{ behind }] = await this.stack.ds.query(
        `SELECT count(*)::int AS behind FROM ledger_transactions t WHERE t.block_number > (SELECT coalesce(max(block_number), -1) FROM indexer_checkpoints)`,
      );
      return n === 0 && f === 0 && behind === 0;
    }, 120_000, "the outbox, funding and the indexer to be at rest");
  }

  // ─── Certificates ─────────────────────────────────────────────────

  /**
   * `n` certificates of `supplier`, registered (and confirmed unless `pending`), each on one
   * verified invoice, falling due on `maturity` (default: two days from now).
   */
  async certificates(supplier: Party, n: number, o: { pending?: boolean; maturity?: string } = {}): Promise<{ id: string; amount: bigint }[]> {
    const invoices = this.invoices.get(supplier.uscc)!;
    if (invoices.length < n) throw new Error(`${supplier.uscc} has ${invoices.length} verified invoices left; ${n} needed`);
    const mine = invoices.splice(0, n);
    const ids: string[] = [];
    for (let i = 0; i < mine.length; i += 100) {
      const items = mine.slice(i, i + 100).map((invoiceId) => ({ obligorId: this.core.id, invoiceIds: [invoiceId], maturityDate: o.maturity ?? maturityDate() }));
      const r = await this.api.post("/v1/receivables", { items }, supplier);
      expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(202);
      ids.push(...r.body.items.map((x: { receivable: { id: string } }) => x.receivable.id));
    }
    await this.statuses(supplier, ids, "pending");
    if (!o.pending) {
      for (let i = 0; i < ids.length; i += 200) {
        const r = await this.api.post("/v1/receivables/confirmations", { receivableIds: ids.slice(i, i + 200) }, this.core);
        expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(202);
      }
      await this.statuses(supplier, ids, "confirmed");
    }
    const rows = await this.receivables(supplier, ids);
    return ids.map((id) => ({ id, amount: BigInt(rows.get(id)!.amount) }));
  }

  /** `from` offers each of `ids` to `to` (转让) and waits until the ledger has every offer. */
  async offer(from: Party, ids: string[], to: Party) {
    for (const id of ids) {
      const r = await this.api.post(`/v1/receivables/${id}/transfers`, { organizationId: to.id }, from);
      expect(r.status, JSON.stringify(r.body)).toBe(202);
    }
    await this.statuses(from, ids, "offered");
  }

  /** `party` accepts (签收) every offer waiting for it of those `of` keeps (default all), and waits until they are its own. */
  async acceptOffers(party: Party, of: (o: { receivableId: string; receivable: { parentId: string | null } }) => boolean = () => true) {
    const waiting: string[] = (await this.api.get("/v1/receivables/offers?limit=500", party)).body.items.filter(of).map((o: { receivableId: string }) => o.receivableId);
    for (let i = 0; i < waiting.length; i += 200) {
      const r = await this.api.post("/v1/receivables/acceptances", { receivableIds: waiting.slice(i, i + 200) }, party);
      expect(r.status, JSON.stringify(r.body)).toBe(202);
    }
    await this.statuses(party, waiting, "confirmed");
  }

  /** The certificates among `ids` as `party` sees them. */
  async receivables(party: Party, ids: string[]): Promise<Map<string, any>> {
    const out = new Map<string, any>();
    await Promise.all(
      ids.map(async (id) => {
        const r = await this.api.get(`/v1/receivables/${id}`, party);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        out.set(id, r.body);
      }),
    );
    return out;
  }

  async statuses(party: Party, ids: string[], status: string, timeoutMs = 60_000) {
    const wanted = new Set(ids);
    await eventually(async () => {
      for (const id of [...wanted]) {
        const r = await this.api.get(`/v1/receivables/${id}`, party);
        if (r.body.status === status) wanted.delete(id);
        else if (["failed", "rejected", "cancelled", "void"].includes(r.body.status) && status !== r.body.status) throw new Error(`certificate ${id} is ${r.body.status}`);
      }
      return wanted.size === 0;
    }, timeoutMs, `${ids.length} certificates to be ${status}`);
  }

  // ─── Marketplace ──────────────────────────────────────────────────

  async openRequest(supplier: Party, receivableId: string): Promise<string> {
    const r = await this.api.post("/v1/financing-requests", { receivableId }, supplier);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id;
  }

  /** A quote whose amount due is exactly `advance` (no interest, no fee), or priced at 90% and 4.2% a year. */
  async quote(bank: Party, requestId: string, advance?: bigint): Promise<{ id: string; due: bigint }> {
    const validUntil = new Date(Date.now() + 3600_000).toISOString();
    const terms = advance === undefined ? { advanceRateBp: 9000, annualRateBp: 420, fee: "1000" } : { advance: advance.toString(), annualRateBp: 0, fee: "0" };
    const r = await this.api.post(`/v1/financing-requests/${requestId}/quotes`, { ...terms, dayCount: 360, validUntil }, bank);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id, due: BigInt(r.body.due) };
  }

  /** The bank's line on the core enterprise as the API shows it. */
  async line(bank: Party): Promise<{ limit: bigint; used: bigint; committed: bigint; requestedLimit: string | null }> {
    const r = await this.api.get("/v1/credit-lines", bank);
    const l = r.body.items.find((x: { obligorId: string }) => x.obligorId === this.core.id);
    return { limit: BigInt(l.limit), used: BigInt(l.used), committed: BigInt(l.committed), requestedLimit: l.requestedLimit };
  }

  /** Sets the bank's line on the core enterprise and waits until the ledger has it and the indexer has projected it. */
  async setLine(bank: Party, limit: bigint) {
    const r = await this.api.post("/v1/credit-lines", { obligorId: this.core.id, limit: limit.toString() }, bank);
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    await this.mined(r.body.operation.id, bank.key);
    await eventually(async () => {
      const l = await this.line(bank);
      return l.limit === limit && l.requestedLimit === null;
    }, 30_000, "the credit line to be projected");
  }
}

// ─── Judging a race ─────────────────────────────────────────────────

/** Sends both requests at the same moment (each to its own API server) and returns both replies. */
export async function race(a: () => Promise<Reply>, b: () => Promise<Reply>): Promise<[Reply, Reply]> {
  return Promise.all([a(), b()]);
}

export const won = (r: Reply) => r.status >= 200 && r.status < 300;

/**
 * A losing reply: a problem+json with one of the codes the sequential order gives. Anything else
 * (a 500, a problem with another code) fails with the round and the reply.
 */
export function expectRefused(r: Reply, status: number, codes: string[], round: string) {
  const what = `${round}: ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`;
  expect(r.status, what).toBe(status);
  expect(r.contentType, what).toMatch(/^application\/problem\+json/);
  expect(codes, what).toContain(r.body.code);
}

/** Runs `rounds` rounds, `parallel` at a time (each round is one race of two requests). */
export async function rounds(n: number, parallel: number, round: (i: number) => Promise<void>) {
  for (let i = 0; i < n; i += parallel) {
    await Promise.all(Array.from({ length: Math.min(parallel, n - i) }, (_, k) => round(i + k)));
  }
}
