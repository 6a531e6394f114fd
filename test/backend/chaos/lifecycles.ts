/**
 * Receivable lifecycles driven through the public API by concurrent clients, and the model of what
 * they imply: who must hold how many settlement tokens, which certificate must have been financed by
 * whom on which terms, what each party must have been paid at clearing. The invariants compare the
 * chain and the database against this model, never against themselves.
 */
import type { ChaosApi } from "./client";
import type { Rng } from "./prng";

export interface Org {
  id: string;
  uscc: string;
  key: string;
  address: string;
}

export interface Parties {
  operatorKey: string;
  core: Org;
  suppliers: Org[];
  banks: Org[];
  issuer: Org;
}

export interface Lifecycle {
  n: number;
  supplier: Org;
  invoiceId: string;
  face: bigint;
  /** The bank that will be asked to quote; null: the certificate is left unfinanced and simply cleared. */
  bank: Org | null;
  receivableId?: string;
  certificateId?: string;
  financingId?: string;
  advance?: bigint;
  due?: bigint;
  /** Operation ids the platform accepted for this lifecycle (202s), with the key that may read them. */
  operations: { id: string; key: string }[];
  funded: boolean;
  settled: boolean;
}

const DAY_MS = 86_400_000;

/** The maturity date two days ahead in China Standard Time: 00:00 CST that day is more than a day away, so it can be financed. */
export const maturityDate = () => new Date(Date.now() + 2 * DAY_MS + 8 * 3600_000).toISOString().slice(0, 10);


/** Register → confirm → (request → quote → accept → funded). Throws on anything the platform should not do. */
export async function throughFunding(api: ChaosApi, p: Parties, life: Lifecycle, rng: Rng): Promise<void> {
  const s = life.supplier;
  const maturity = maturityDate();

  // register against the verified invoice
  const reg = await api.once(
    `lifecycle ${life.n}: register`,
    (idem) => api.post("/v1/receivables", s.key, { items: [{ obligorId: p.core.id, invoiceIds: [life.invoiceId], maturityDate: maturity }] }, idem),
    (r) => (r.status === 202 ? { id: r.body.items[0].receivable.id as string, op: r.body.items[0].operation?.id as string | undefined } : null),
    async () => {
      const inv = await api.get(`/v1/invoices/${life.invoiceId}`, s.key);
      return inv.body?.receivableId ? { id: inv.body.receivableId as string, op: undefined } : null;
    },
  );
  life.receivableId = reg.id;
  if (reg.op) life.operations.push({ id: reg.op, key: s.key });
  await statusOf(api, life, s.key, ["pending"]);

  // the obligor confirms
  const conf = await api.once(
    `lifecycle ${life.n}: confirm`,
    (idem) => api.post("/v1/receivables/confirmations", p.core.key, { receivableIds: [life.receivableId] }, idem),
    (r) => (r.status === 202 ? (r.body.items[0].operation?.id as string) : null),
    // a 409 after a lost answer: the first confirmation is under way or done
    async () => ((await statusOf(api, life, s.key, ["confirmed"], 20_000).catch(() => null)) ? "recovered" : null),
  );
  if (conf !== "recovered") life.operations.push({ id: conf, key: p.core.key });
  const confirmed = await statusOf(api, life, s.key, ["confirmed"]);
  life.certificateId = confirmed.certificateId;
  if (BigInt(confirmed.amount) !== life.face) throw new Error(`lifecycle ${life.n}: certificate of ${confirmed.amount}, invoice total ${life.face}`);

  const bank = life.bank;
  if (!bank) return;

  const requestId = await api.once(
    `lifecycle ${life.n}: financing request`,
    (idem) => api.post("/v1/financing-requests", s.key, { receivableId: life.receivableId }, idem),
    (r) => (r.status === 201 ? (r.body.id as string) : null),
    async () => {
      const list = await api.get("/v1/financing-requests", s.key);
      return (list.body?.items ?? []).find((i: any) => i.request.receivableId === life.receivableId)?.request.id ?? null;
    },
  );

  const quote = await api.once(
    `lifecycle ${life.n}: quote`,
    (idem) =>
      api.post(
        `/v1/financing-requests/${requestId}/quotes`,
        bank.key,
        {
          advanceRateBp: 8000 + rng.int(0, 15) * 100,
          annualRateBp: 300 + rng.int(0, 30) * 10,
          dayCount: rng.pick([360, 365]),
          fee: String(rng.int(0, 20) * 500),
          validUntil: new Date(Date.now() + 3600_000).toISOString(),
        },
        idem,
      ),
    (r) => (r.status === 201 ? r.body : null),
    async () => ((await api.get(`/v1/financing-requests/${requestId}/quotes`, bank.key)).body?.items ?? [])[0] ?? null,
  );
  life.advance = BigInt(quote.advance);
  life.due = BigInt(quote.due);

  life.financingId = await api.once(
    `lifecycle ${life.n}: acceptance`,
    (idem) => api.post(`/v1/quotes/${quote.id}/acceptance`, s.key, {}, idem),
    (r) => (r.status === 202 ? (r.body.id as string) : null),
    async () => ((await api.get("/v1/financings", s.key)).body?.items ?? []).find((f: any) => f.quoteId === quote.id)?.id ?? null,
  );
  const funded = await api.until(`lifecycle ${life.n}: financing ${life.financingId} funded`, `/v1/financings/${life.financingId}`, s.key, (r) => {
    if (r.body?.status === "failed") throw new Error(`lifecycle ${life.n}: accepted financing ${life.financingId} failed: ${JSON.stringify(r.body.failure)}`);
    return r.body?.status === "funded" ? r.body : null;
  });
  if (BigInt(funded.advance) !== life.advance || BigInt(funded.due) !== life.due) {
    throw new Error(`lifecycle ${life.n}: funded on other terms than quoted: ${JSON.stringify(funded)} vs advance ${life.advance} due ${life.due}`);
  }
  life.funded = true;
}

/** After maturity: the keeper clears it. */
export async function throughClearing(api: ChaosApi, life: Lifecycle): Promise<void> {
  await statusOf(api, life, life.supplier.key, ["settled"], 120_000);
  life.settled = true;
}

const DEAD = ["failed", "rejected", "cancelled", "defaulted"];

async function statusOf(api: ChaosApi, life: Lifecycle, key: string, wanted: string[], timeoutMs = 90_000) {
  return api.until(`lifecycle ${life.n}: receivable ${life.receivableId} to be ${wanted.join("|")}`, `/v1/receivables/${life.receivableId}`, key, (r) => {
    if (DEAD.includes(r.body?.status)) throw new Error(`lifecycle ${life.n}: receivable ${life.receivableId} is ${r.body.status}: ${JSON.stringify(r.body.failure)}`);
    return wanted.includes(r.body?.status) ? r.body : null;
  }, timeoutMs);
}

/** Runs `work` over `items` with `n` concurrent clients. Every failure is collected, none stops the others. */
export async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<{ item: T; error: Error }[]> {
  const failures: { item: T; error: Error }[] = [];
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) {
        const item = items[i++];
        await work(item).catch((e: Error) => failures.push({ item, error: e }));
      }
    }),
  );
  return failures;
}
