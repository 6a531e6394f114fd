import { developmentFacts } from "./onboarding-facts";
import { firstAdminKey } from "./first-admin";
import {
  DEFAULT_SEEDS_DIR,
  SEED_FILE_NAMES,
  SeedInvoicesFile,
  SeedOrganizationsFile,
  invoiceIdentity,
  readSeedFile,
  type SeedInvoice,
  type SeedOrganization,
} from "../modules/invoices";

/**
 * Loads the demo data of seeds/ into a running platform through its public HTTP API, as the
 * operator would by hand: creates the organizations that are missing (matched by unified social
 * credit code), approves their KYC, waits until the ledger has registered them, gives each an
 * admin user and an API key, and submits the suppliers' invoices. Idempotent: a second run finds
 * everything and creates nothing (pass the keys of the first run in `keys`, or it has to issue new
 * ones, the only thing it cannot find again: a key is shown once).
 */

export interface SeedSubset {
  /** Scenario ids (cq-auto, gz-furniture); default all. Banks and the settlement issuer serve every scenario. */
  scenarios?: string[];
  /** Only these suppliers (USCCs); default every supplier of the scenarios. Core enterprises, banks and the issuer always load. */
  suppliers?: string[];
  /** Only the invoices for which this holds. */
  invoices?: (invoice: SeedInvoice) => boolean;
  /** At most this many invoices per supplier (after `invoices`). */
  invoicesPerSupplier?: number;
}

export interface SeedLoadOptions {
  /** The API, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** An API key of the operator organization. */
  operatorKey: string;
  seedsDir?: string;
  subset?: SeedSubset;
  /** API keys from an earlier run, by USCC: reused while they work, so nothing new is issued. */
  keys?: Record<string, string>;
  /** Wait (up to this many ms) until every submitted invoice is verified or rejected, and report the outcomes. */
  waitForVerificationMs?: number;
  /** Invoices per POST /v1/invoices/batch (default 100, which fits the default 100kb body limit). */
  batchSize?: number;
  /** Requests in flight at once (default 6). */
  concurrency?: number;
  /** How long to wait at the end for the ledger to have registered every organization (default 300 s). */
  activeTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface SeededOrganization {
  name: string;
  englishName: string;
  uscc: string;
  id: string;
  roles: string[];
  tier: number | null;
  scenario: string | null;
  /** An API key of the organization's admin user. */
  key: string;
}

export interface SeededInvoice {
  id: string;
  supplier: string;
  invoiceNumber: string;
  invoiceCode: string | null;
  /** The rejection code verification must produce; null for a good invoice. */
  expected: string | null;
  fraud: string | null;
  /** With waitForVerificationMs: where verification ended. */
  status?: string;
  rejectionCode?: string | null;
}

export interface SeedLoadResult {
  organizations: SeededOrganization[];
  invoices: { submitted: number; existing: number; items: SeededInvoice[] };
  /** What this run created: all zeros on a re-run. */
  created: { organizations: number; kycApprovals: number; users: number; apiKeys: number; invoices: number };
}

// ─── A small client for the public API ─────────────────────────────

interface Reply {
  status: number;
  body: any;
}

class Client {
  constructor(
    private readonly baseUrl: string,
    private readonly log: (m: string) => void,
  ) {}

  async call(method: "GET" | "POST", path: string, key: string, body?: unknown): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(this.baseUrl.replace(/\/+$/, "") + path, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(60_000),
        });
      } catch (e) {
        if (attempt >= 5) throw new Error(`${method} ${path}: ${(e as Error).message}`);
        await sleep(500 * 2 ** attempt);
        continue;
      }
      const text = await res.text();
      const parsed = text ? JSON.parse(text) : undefined;
      if ((res.status === 429 || res.status === 503) && attempt < 8) {
        const wait = Number(res.headers.get("retry-after") ?? 0) * 1000 || 500 * 2 ** attempt;
        this.log(`${method} ${path}: ${res.status}, retrying in ${Math.round(wait / 1000)} s`);
        await sleep(wait);
        continue;
      }
      return { status: res.status, body: parsed };
    }
  }

  async expect(method: "GET" | "POST", path: string, key: string, status: number, body?: unknown): Promise<any> {
    const r = await this.call(method, path, key, body);
    if (r.status !== status) throw new Error(`${method} ${path} answered ${r.status}: ${r.body?.detail ?? JSON.stringify(r.body)}${r.body?.errors ? ` ${JSON.stringify(r.body.errors)}` : ""}`);
    return r.body;
  }

  /** Every page of a list endpoint. */
  async all(path: string, key: string): Promise<any[]> {
    const items: any[] = [];
    let after: string | undefined;
    for (;;) {
      const sep = path.includes("?") ? "&" : "?";
      const page = await this.expect("GET", `${path}${sep}limit=200${after ? `&after=${after}` : ""}`, key, 200);
      items.push(...page.items);
      if (page.items.length < 200) return items;
      after = page.items[page.items.length - 1].id;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inParallel<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

// ─── What to load ──────────────────────────────────────────────────

/** The organizations and invoices of the subset (the original of every selected copy included). */
export function selectSeeds(seedsDir: string = DEFAULT_SEEDS_DIR, subset: SeedSubset = {}): { organizations: SeedOrganization[]; invoices: SeedInvoice[] } {
  const orgFile = readSeedFile(seedsDir, SEED_FILE_NAMES.organizations, SeedOrganizationsFile);
  const invoiceFile = readSeedFile(seedsDir, SEED_FILE_NAMES.invoices, SeedInvoicesFile);
  const inScenario = (s: string | null) => s === null || !subset.scenarios || subset.scenarios.includes(s);
  const wantedSupplier = (uscc: string) => !subset.suppliers || subset.suppliers.includes(uscc);

  const perSupplier = new Map<string, SeedInvoice[]>();
  for (const inv of invoiceFile.invoices) {
    if (!inScenario(inv.scenario) || !wantedSupplier(inv.supplier) || (subset.invoices && !subset.invoices(inv))) continue;
    const list = perSupplier.get(inv.supplier) ?? [];
    if (subset.invoicesPerSupplier === undefined || list.length < subset.invoicesPerSupplier) list.push(inv);
    perSupplier.set(inv.supplier, list);
  }
  const invoices = [...perSupplier.values()].flat();
  // a copy of another supplier's invoice needs its original, or it is not what the seeds say it is
  const key = (supplier: string, number: string) => `${supplier}/${number}`;
  const chosen = new Set(invoices.map((i) => key(i.supplier, i.invoice.invoiceNumber)));
  for (const copy of invoices.filter((i) => i.duplicateOf)) {
    const { supplier, invoiceNumber } = copy.duplicateOf!;
    if (chosen.has(key(supplier, invoiceNumber))) continue;
    const original = invoiceFile.invoices.find((i) => i.supplier === supplier && i.invoice.invoiceNumber === invoiceNumber && !i.duplicateOf);
    if (original) {
      invoices.push(original);
      chosen.add(key(supplier, invoiceNumber));
    }
  }
  const suppliersWithInvoices = new Set(invoices.map((i) => i.supplier));
  const organizations = orgFile.organizations.filter(
    (o) => inScenario(o.scenario) && (!o.roles.includes("supplier") || wantedSupplier(o.uscc) || suppliersWithInvoices.has(o.uscc)),
  );
  return { organizations, invoices };
}

// ─── Loading ───────────────────────────────────────────────────────

export async function loadSeeds(o: SeedLoadOptions): Promise<SeedLoadResult> {
  const log = o.log ?? (() => undefined);
  const api = new Client(o.baseUrl, log);
  const op = o.operatorKey;
  const limit = o.concurrency ?? 6;
  const created = { organizations: 0, kycApprovals: 0, users: 0, apiKeys: 0, invoices: 0 };
  const seeds = selectSeeds(o.seedsDir ?? DEFAULT_SEEDS_DIR, o.subset);
  log(`loading ${seeds.organizations.length} organizations and ${seeds.invoices.length} invoices into ${o.baseUrl}`);

  // organizations, matched by unified social credit code
  const me = await api.expect("GET", "/v1/me", op, 200);
  if (!me.organization.roles.includes("operator")) throw new Error("the seed loader needs an API key of the operator organization");
  const byUscc = new Map<string, any>((await api.all("/v1/organizations", op)).map((org) => [org.unifiedSocialCreditCode, org]));
  await inParallel(
    seeds.organizations.filter((s) => !byUscc.has(s.uscc)),
    limit,
    async (s) => {
      const r = await api.call("POST", "/v1/organizations", op, {
        legalName: s.legalName,
        unifiedSocialCreditCode: s.uscc,
        roles: s.roles,
        contacts: [{ name: s.contact.name, email: s.contact.email, phone: s.contact.phone, title: "Finance" }],
        ...developmentFacts(s.roles, s.tier ?? null),
      });
      if (r.status === 201) created.organizations++;
      else if (r.body?.code !== "ORGANIZATION.DUPLICATE") throw new Error(`create ${s.legalName}: ${r.status} ${r.body?.detail ?? ""} ${JSON.stringify(r.body?.errors ?? [])}`);
    },
  );
  if (created.organizations) for (const org of await api.all("/v1/organizations", op)) byUscc.set(org.unifiedSocialCreditCode, org);

  // KYC: from then on they may act off chain; the ledger registers them in the background
  await inParallel(
    seeds.organizations.filter((s) => byUscc.get(s.uscc)?.status === "pending"),
    limit,
    async (s) => {
      const r = await api.call("POST", `/v1/organizations/${byUscc.get(s.uscc).id}/kyc-approval`, op, { note: "seed data" });
      if (r.status === 202) created.kycApprovals++;
      else if (r.body?.code !== "ORGANIZATION.NOT_PENDING") throw new Error(`approve KYC of ${s.legalName}: ${r.status} ${r.body?.detail ?? ""}`);
    },
  );
  // each organization's first admin (its contact) and the key they issue themselves: the operator
  // only invites a first admin, and never holds a member's key, so a key lost from o.keys cannot be
  // issued again by the loader once the organization has an admin
  const organizations = await inParallel(seeds.organizations, limit, async (s): Promise<SeededOrganization> => {
    const org = byUscc.get(s.uscc);
    const email = s.contact.email.toLowerCase();
    let key = o.keys?.[s.uscc];
    if (key) {
      const r = await api.call("GET", "/v1/me", key);
      if (r.status !== 200 || r.body.organization.id !== org.id) key = undefined;
    }
    if (!key) {
      const users = (await api.expect("GET", `/v1/organizations/${org.id}/users`, op, 200)).items as { id: string; email: string; role: string }[];
      if (users.some((u) => u.role === "admin")) {
        throw new Error(`${s.legalName} has an admin already and no key of it was given: pass its admin's key (keys.${s.uscc}); the operator cannot issue one`);
      }
      key = (await firstAdminKey(o.baseUrl.replace(/\/+$/, ""), op, org.id, { email, name: s.contact.name, label: "seed loader" })).key;
      created.users++;
      created.apiKeys++;
    }
    return { name: s.legalName, englishName: s.englishName, uscc: s.uscc, id: org.id, roles: s.roles, tier: s.tier, scenario: s.scenario, key };
  });
  const keyOf = new Map(organizations.map((x) => [x.uscc, x.key]));

  // invoices: originals first, then the copies that must find them
  const items: SeededInvoice[] = [];
  let existing = 0;
  const identityOf = (i: SeedInvoice) => invoiceIdentity(i.invoice.invoiceCode, i.invoice.invoiceNumber);
  for (const pass of [(i: SeedInvoice) => !i.duplicateOf, (i: SeedInvoice) => !!i.duplicateOf]) {
    const bySupplier = new Map<string, SeedInvoice[]>();
    for (const inv of seeds.invoices.filter(pass)) bySupplier.set(inv.supplier, [...(bySupplier.get(inv.supplier) ?? []), inv]);
    await inParallel([...bySupplier.entries()], limit, async ([supplier, invoices]) => {
      const key = keyOf.get(supplier)!;
      const have = new Map<string, string>((await api.all("/v1/invoices", key)).map((v) => [invoiceIdentity(v.invoiceCode, v.invoiceNumber), v.id]));
      const record = (inv: SeedInvoice, id: string, isNew: boolean) => {
        items.push({
          id,
          supplier,
          invoiceNumber: inv.invoice.invoiceNumber,
          invoiceCode: inv.invoice.invoiceCode ?? null,
          expected: inv.expected ?? null,
          fraud: inv.fraud ?? null,
        });
        if (isNew) created.invoices++;
        else existing++;
      };
      let missing: SeedInvoice[] = [];
      for (const inv of invoices) {
        const id = have.get(identityOf(inv));
        if (id) record(inv, id, false);
        else missing.push(inv);
      }
      for (let i = 0; i < missing.length; ) {
        const batch = missing.slice(i, i + (o.batchSize ?? 100));
        // all or nothing: the answer's items then line up with the batch sent
        const r = await api.call("POST", "/v1/invoices/batch", key, { invoices: batch.map((b) => b.invoice), duplicates: "refuse" });
        if (r.status === 202) {
          batch.forEach((inv, j) => record(inv, r.body.items[j].id, true));
          i += batch.length;
        } else if (r.status === 409 && r.body?.code === "INVOICE.DUPLICATE") {
          // submitted meanwhile (a concurrent run): take those as found and send the rest again
          const dup = new Map<number, string>((r.body.duplicates as { index: number; existingInvoiceId: string }[]).map((d) => [d.index, d.existingInvoiceId]));
          batch.forEach((inv, j) => dup.has(j) && record(inv, dup.get(j)!, false));
          missing = [...missing.slice(0, i), ...batch.filter((_inv, j) => !dup.has(j)), ...missing.slice(i + batch.length)];
        } else {
          throw new Error(`submit invoices of ${supplier}: ${r.status} ${r.body?.detail ?? ""} ${JSON.stringify(r.body?.errors?.slice(0, 5) ?? [])}`);
        }
      }
    });
  }
  log(`organizations: ${created.organizations} created, ${seeds.organizations.length - created.organizations} found; invoices: ${created.invoices} submitted, ${existing} found`);

  // the ledger registers them meanwhile (invoices need only the KYC approval); wait for it last
  const until = Date.now() + (o.activeTimeoutMs ?? 300_000);
  for (;;) {
    for (const org of await api.all("/v1/organizations", op)) byUscc.set(org.unifiedSocialCreditCode, org);
    const waiting = seeds.organizations.filter((s) => ["pending", "kyc_approved"].includes(byUscc.get(s.uscc)?.status));
    if (waiting.length === 0) break;
    if (Date.now() > until) throw new Error(`${waiting.length} organizations are still not active on the ledger (are the worker and the indexer running?): ${waiting.map((w) => w.legalName).join(", ")}`);
    await sleep(500);
  }

  if (o.waitForVerificationMs !== undefined && items.length > 0) {
    const deadline = Date.now() + o.waitForVerificationMs;
    const suppliers = [...new Set(items.map((i) => i.supplier))];
    const outcome = new Map<string, { status: string; rejectionCode: string | null }>();
    for (;;) {
      const lists = await inParallel(suppliers, limit, (s) => api.all("/v1/invoices", keyOf.get(s)!));
      for (const v of lists.flat()) outcome.set(v.id, { status: v.status, rejectionCode: v.rejection?.code ?? null });
      const pending = items.filter((i) => !["verified", "rejected"].includes(outcome.get(i.id)?.status ?? ""));
      if (pending.length === 0 || Date.now() > deadline) {
        for (const i of items) Object.assign(i, outcome.get(i.id) ?? {});
        if (pending.length) log(`${pending.length} invoices still being verified after ${o.waitForVerificationMs} ms`);
        break;
      }
      await sleep(300);
    }
  }
  return { organizations, invoices: { submitted: created.invoices, existing, items }, created };
}
