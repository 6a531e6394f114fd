import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack, randomUscc } from "./support/stack";
import { eventually } from "./support/http";
import { KeyVault } from "../../backend/src/ledger/key-vault";
import { Projections } from "../../backend/src/indexer/projections";
import type { ChainEvent } from "../../backend/src/indexer/indexer.entity";
import { WebhooksService, webhookProjections, verifySignature, signatureHeader, deliveryJobId, DEFAULT_DELIVERY_OPTIONS } from "../../backend/src/modules/webhooks";
import { LEDGER_QUEUE } from "../../backend/src/shared/queue";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { developmentFacts } from "../../backend/src/ops/onboarding-facts";

/** One request the receiver got, and whether its signature checked out with the subscription's secret. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  verified: boolean;
}

/**
 * An integrator's endpoint on 127.0.0.1: verifies each delivery's signature as docs/webhooks.md
 * tells integrators to (raw body, secret of the path's subscription), and answers per path.
 */
async function startReceiver() {
  const received: Received[] = [];
  const secrets = new Map<string, string>();
  const answers = new Map<string, (n: number) => number | "hang">();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const body = Buffer.concat(chunks).toString("utf8");
      const secret = secrets.get(path) ?? "";
      received.push({ path, headers: req.headers, body, json: JSON.parse(body), verified: verifySignature(secret, body, req.headers["chainfactor-signature"] as string) });
      const answer = (answers.get(path) ?? (() => 200))(received.filter((r) => r.path === path).length);
      if (answer === "hang") return; // never answers: the platform's timeout must end the attempt
      res.writeHead(answer, { "content-type": "text/plain" }).end(answer >= 400 ? "receiver is sulking" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = (path: string) => `http://127.0.0.1:${(server.address() as { port: number }).port}${path}`;
  return {
    received,
    url,
    at: (path: string) => received.filter((r) => r.path === path),
    secret: (path: string, secret: string) => secrets.set(path, secret),
    answer: (path: string, f: (n: number) => number | "hang") => answers.set(path, f),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const SEEDS = join(__dirname, "../../seeds");
const CORE_USCC = "91500112MA8Q2595Y2";
const SUPPLIER_USCC = "91500109MATD0HX58F";

/** A seed invoice from the supplier to the core enterprise that the local tax bureau confirms and no registry filing blocks. */
function cleanSeedInvoice() {
  const invoices = JSON.parse(readFileSync(join(SEEDS, "invoices.json"), "utf8")).invoices as { invoice: Record<string, any>; expected?: string }[];
  const tax = new Map((JSON.parse(readFileSync(join(SEEDS, "tax-bureau.json"), "utf8")).invoices as Record<string, any>[]).map((i) => [i.invoiceNumber, i]));
  const filed = new Set((JSON.parse(readFileSync(join(SEEDS, "registry.json"), "utf8")).filings as { invoice: { invoiceNumber: string } }[]).map((f) => f.invoice.invoiceNumber));
  const { invoice } = invoices.find(({ invoice: i, expected }) => {
    const t = tax.get(i.invoiceNumber);
    return !expected && i.sellerTaxId === SUPPLIER_USCC && i.buyerTaxId === CORE_USCC && i.invoiceNumber.length === 20 && !i.waybillNumbers?.length && !filed.has(i.invoiceNumber) && t?.status === "normal" && t.total === i.total;
  })!;
  const { waybillNumbers: _w, ...rest } = invoice;
  return rest;
}

describe(WebhooksService.name, () => {
  let stack: Stack;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let issuer: Awaited<ReturnType<Stack["onboard"]>>;
  let alice: Awaited<ReturnType<Stack["onboard"]>>;
  let bob: Awaited<ReturnType<Stack["onboard"]>>;
  const as = (who: { key: string }) => ({ key: who.key });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Subscribes `who` and tells the receiver the secret of that path. */
  const subscribe = async (who: { key: string }, path: string, events: string[]) => {
    const r = await stack.api.post("/v1/webhooks", { url: receiver.url(path), events }, as(who));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    receiver.secret(path, r.body.secret);
    return r.body as { id: string; url: string; events: string[]; secret: string };
  };
  const deposit = async (to: string, amount: string) => {
    const r = await stack.api.post("/v1/settlement/deposits", { organizationId: to, amount }, as(issuer));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
  };
  const deliveries = async (who: { key: string }, query = "") => (await stack.api.get(`/v1/webhooks/deliveries${query}`, as(who))).body.items as Record<string, any>[];

  /** Onboards an organization with a given unified social credit code (the seed invoices name theirs). */
  async function onboardAs(name: string, roles: string[], uscc = randomUscc()) {
    const op = { key: stack.operatorKey };
    const created = await stack.api.post("/v1/organizations", { legalName: name, unifiedSocialCreditCode: uscc, roles, contacts: [], ...developmentFacts(roles) }, op);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const orgId = created.body.id as string;
    expect((await stack.api.post(`/v1/organizations/${orgId}/kyc-approval`, {}, op)).status).toBe(202);
    await eventually(async () => (await stack.api.get(`/v1/organizations/${orgId}`, op)).body.status === "active", 30_000, `${name} to become active`);
    const { key } = await stack.firstAdmin(orgId, undefined, roles);
    return { orgId, key };
  }

  beforeAll(async () => {
    [stack, receiver] = await Promise.all([Stack.start({ env: { RATE_LIMIT_PER_MINUTE: "100000" } }), startReceiver()]);
    [issuer, alice, bob] = await Promise.all([stack.onboard(["settlement_issuer"], "Issuer"), stack.onboard(["supplier"], "Alice Parts"), stack.onboard(["supplier"], "Bob Parts")]);
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it("accepts only endpoints it may deliver to, known event types and organization admins", async () => {
    const bad = async (body: unknown) => {
      const r = await stack.api.post("/v1/webhooks", body, as(alice));
      expect(r.status, JSON.stringify(body)).toBe(422);
      return r.body.errors.map((e: { field: string }) => e.field);
    };
    expect(await bad({ url: "http://erp.example.com/hook", events: ["receivable.confirmed"] })).toEqual(["body.url"]);
    expect(await bad({ url: "ftp://erp.example.com/hook", events: ["receivable.confirmed"] })).toEqual(["body.url"]);
    expect(await bad({ url: "https://user:pw@erp.example.com/hook", events: ["receivable.confirmed"] })).toEqual(["body.url"]);
    expect(await bad({ url: "not a url", events: ["receivable.confirmed"] })).toEqual(["body.url"]);
    expect(await bad({ url: "https://erp.example.com/hook", events: ["receivable.bought"] })).toEqual(["body.events.0"]);
    expect(await bad({ url: "https://erp.example.com/hook", events: [] })).toEqual(["body.events"]);
    expect(await bad({ url: "https://erp.example.com/hook", events: ["financing.funded", "financing.funded"] })).toEqual(["body.events"]);
    expect(await bad({ url: "https://erp.example.com/hook", events: ["financing.funded"], secret: "mine" })).toEqual(["body.secret"]);

    // a member (non-admin) user cannot point the organization's events at a URL
    const clerk = await stack.api.post(`/v1/organizations/${alice.orgId}/users`, { email: "clerk@alice.example", name: "Clerk", role: "member" }, as(alice));
    const clerkKey = (await stack.api.post("/v1/api-keys", { label: "clerk", userId: clerk.body.id }, as(alice))).body.key;
    expect((await stack.api.post("/v1/webhooks", { url: "https://erp.example.com/hook", events: ["financing.funded"] }, { key: clerkKey })).status).toBe(403);
    // but it can read the catalogue and the subscriptions
    const catalogue = await stack.api.get("/v1/webhooks/event-types", { key: clerkKey });
    expect(catalogue.body.items.map((t: { type: string }) => t.type)).toEqual(
      expect.arrayContaining([
        ...["receivable.registered", "receivable.confirmed", "receivable.rejected", "receivable.split", "receivable.transferred", "financing.funded", "receivable.settled", "receivable.overdue", "receivable.defaulted", "recourse.claimed", "settlement.deposit"],
        ...["receivable.offered", "receivable.accepted", "receivable.refused", "receivable.offer_withdrawn", "receivable.offer_expired", "obligor.paused", "obligor.resumed"],
      ]),
    );
    expect((await stack.api.get("/v1/webhooks", { key: clerkKey })).status).toBe(200);
  });

  it("delivers a deposit exactly once, signed, to the organizations party to it and to no one else", async () => {
    const sub = await subscribe(alice, "/alice", ["settlement.deposit", "financing.funded"]);
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    await subscribe(issuer, "/issuer", ["settlement.deposit"]);
    await subscribe(bob, "/bob", ["*"]);
    // the secret is shown once: listing never carries it
    const listed = await stack.api.get("/v1/webhooks", as(alice));
    expect(listed.body.items).toEqual([{ id: sub.id, url: receiver.url("/alice"), events: ["settlement.deposit", "financing.funded"], active: true, createdAt: expect.any(String) }]);
    expect(JSON.stringify(listed.body)).not.toContain(sub.secret);
    const [stored] = await stack.ds.query(`SELECT secret_ciphertext FROM webhook_subscriptions WHERE id = $1`, [sub.id]);
    expect(Buffer.from(stored.secret_ciphertext).toString("utf8")).not.toContain(sub.secret.slice(6));

    await deposit(alice.orgId, "123456789");
    const [hit] = await eventually(async () => (receiver.at("/alice").length ? receiver.at("/alice") : null), 30_000, "the deposit's delivery");
    expect(hit.verified).toBe(true);
    expect(hit.headers["chainfactor-event"]).toBe("settlement.deposit");
    expect(hit.headers["content-type"]).toBe("application/json");
    expect(hit.json).toEqual({
      id: expect.stringMatching(/^0x[0-9a-f]{64}:\d+$/),
      type: "settlement.deposit",
      occurredAt: expect.any(String),
      data: { organizationId: alice.orgId, amount: "123456789", currency: "CNY", issuerId: issuer.orgId, txHash: expect.any(String), blockNumber: expect.stringMatching(/^\d+$/) },
    });
    // the signature is over these exact bytes: any change breaks it
    expect(verifySignature(sub.secret, hit.body.replace("123456789", "923456789"), hit.headers["chainfactor-signature"] as string)).toBe(false);
    expect(verifySignature("whsec_wrong", hit.body, hit.headers["chainfactor-signature"] as string)).toBe(false);

    // the issuer is party to the deposit too; Bob is not, whatever he subscribed to
    await eventually(async () => receiver.at("/issuer").length === 1, 10_000, "the issuer's delivery");
    expect(receiver.at("/issuer")[0].json.id).toBe(hit.json.id);
    await sleep(2500); // beyond the sweeper's staleness (1.5 s): nothing is sent twice
    expect(receiver.at("/alice")).toHaveLength(1);
    expect(receiver.at("/issuer")).toHaveLength(1);
    expect(receiver.at("/bob")).toHaveLength(0);

    const mine = await deliveries(alice);
    expect(mine).toEqual([
      expect.objectContaining({ id: hit.headers["chainfactor-delivery"], subscriptionId: sub.id, eventId: hit.json.id, eventType: "settlement.deposit", status: "delivered", attempts: 1, lastStatusCode: 200, lastError: null, deliveredAt: expect.any(String) }),
    ]);
    expect(await deliveries(bob)).toEqual([]);
    expect(await deliveries(bob, `?subscriptionId=${sub.id}`)).toEqual([]);
    expect((await stack.api.get(`/v1/webhooks/deliveries?after=${mine[0].id}`, as(bob))).status).toBe(422);
    expect(await deliveries(issuer)).toHaveLength(1);
  });

  it("retries a delivery the receiver refused, with backoff, until it is accepted", async () => {
    receiver.answer("/flaky", (n) => (n === 1 ? 500 : 200));
    const sub = await subscribe(alice, "/flaky", ["settlement.deposit"]);
    const before = receiver.at("/alice").length;
    await deposit(alice.orgId, "500");
    await eventually(async () => receiver.at("/flaky").length === 2, 30_000, "the retried delivery");
    const [first, second] = receiver.at("/flaky");
    expect(first.verified && second.verified).toBe(true);
    expect(second.headers["chainfactor-delivery"]).toBe(first.headers["chainfactor-delivery"]);
    expect(second.json).toEqual(first.json);
    const delivered = await eventually(async () => {
      const [d] = await deliveries(alice, `?subscriptionId=${sub.id}`);
      return d?.status === "delivered" ? d : null;
    }, 10_000, "the delivery to be recorded as delivered");
    expect(delivered).toMatchObject({ attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    // on the documented schedule (0.5 s doubling, about 18 hours in all), not the queue's default that stops growing at 10 s
    const queue = new Queue(LEDGER_QUEUE, { connection: new Redis(stack.config.REDIS_URL, { maxRetriesPerRequest: 1 }), prefix: stack.config.QUEUE_PREFIX });
    const job = await queue.getJob(deliveryJobId(delivered.id));
    await queue.close();
    expect(job?.opts.backoff).toEqual({ type: "exponential", delay: DEFAULT_DELIVERY_OPTIONS.backoffBaseMs });
    expect(DEFAULT_DELIVERY_OPTIONS.backoffBaseMs * (2 ** (DEFAULT_DELIVERY_OPTIONS.maxAttempts - 1) - 1)).toBeGreaterThan(17 * 3_600_000);
    // the other subscription got the event once
    await eventually(async () => receiver.at("/alice").length === before + 1, 10_000, "the other subscription's delivery");
    await sleep(1500);
    expect(receiver.at("/flaky")).toHaveLength(2);
    expect(receiver.at("/alice")).toHaveLength(before + 1);
  });

  it("sends a test delivery on request; another organization can neither see, test nor delete a subscription", async () => {
    const sub = await subscribe(alice, "/tested", ["receivable.settled"]);
    const queued = await stack.api.post(`/v1/webhooks/${sub.id}/test`, {}, as(alice));
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ subscriptionId: sub.id, eventType: "webhook.test", status: "pending" });
    const [hit] = await eventually(async () => (receiver.at("/tested").length ? receiver.at("/tested") : null), 30_000, "the test delivery");
    expect(hit.verified).toBe(true);
    expect(hit.json).toMatchObject({ type: "webhook.test", data: { subscriptionId: sub.id, organizationId: alice.orgId } });
    expect(hit.headers["chainfactor-delivery"]).toBe(queued.body.id);

    // another organization: the subscription and its deliveries do not exist for it
    expect((await stack.api.post(`/v1/webhooks/${sub.id}/test`, {}, as(bob))).status).toBe(404);
    expect((await stack.api.delete(`/v1/webhooks/${sub.id}`, as(bob))).status).toBe(404);
    expect((await stack.api.post(`/v1/webhooks/deliveries/${queued.body.id}/redelivery`, {}, as(bob))).status).toBe(404);
    expect((await stack.api.get("/v1/webhooks", as(bob))).body.items.map((s: { id: string }) => s.id)).not.toContain(sub.id);
    expect(JSON.stringify(await deliveries(bob))).not.toContain(alice.orgId);

    // redelivery from scratch, by its owner
    await eventually(async () => (await deliveries(alice, `?subscriptionId=${sub.id}`))[0]?.status === "delivered", 10_000, "delivered");
    const queue = new Queue(LEDGER_QUEUE, { connection: new Redis(stack.config.REDIS_URL, { maxRetriesPerRequest: 1 }), prefix: stack.config.QUEUE_PREFIX });
    const first = await queue.getJob(deliveryJobId(queued.body.id));
    const again = await stack.api.post(`/v1/webhooks/deliveries/${queued.body.id}/redelivery`, {}, as(alice));
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ status: "pending", attempts: 0 });
    // queued at once as a new job, not left to the sweeper behind the finished one holding its id
    const second = await queue.getJob(deliveryJobId(queued.body.id));
    await queue.close();
    expect(first?.timestamp).toBeDefined();
    expect(second?.timestamp).toBeGreaterThan(first!.timestamp);
    await eventually(async () => receiver.at("/tested").length === 2, 30_000, "the redelivery");
  });

  it("stops delivering to a deleted subscription", async () => {
    const sub = await subscribe(alice, "/deleted", ["settlement.deposit"]);
    expect((await stack.api.delete(`/v1/webhooks/${sub.id}`, as(alice))).status).toBe(204);
    expect((await stack.api.get("/v1/webhooks", as(alice))).body.items.map((s: { id: string }) => s.id)).not.toContain(sub.id);
    expect((await stack.api.get("/v1/webhooks?includeInactive=true", as(alice))).body.items.find((s: { id: string }) => s.id === sub.id)).toMatchObject({ active: false });
    expect((await stack.api.post(`/v1/webhooks/${sub.id}/test`, {}, as(alice))).status).toBe(409);
    const before = receiver.at("/alice").length;
    await deposit(alice.orgId, "700");
    await eventually(async () => receiver.at("/alice").length === before + 1, 30_000, "the live subscription's delivery");
    expect(receiver.at("/deleted")).toHaveLength(0);
  });

  it("never creates a second delivery when a ledger event is projected again", async () => {
    const [row] = await stack.ds.query(`SELECT * FROM chain_events WHERE contract = 'SettlementToken' AND name = 'Deposited' ORDER BY id LIMIT 1`);
    const event: ChainEvent = {
      id: BigInt(row.id),
      blockNumber: BigInt(row.block_number),
      blockHash: row.block_hash,
      txHash: row.tx_hash,
      logIndex: row.log_index,
      contract: row.contract,
      name: row.name,
      args: row.args,
      createdAt: new Date(),
    };
    const perSubscription = async () =>
      (await stack.ds.query(`SELECT subscription_id, count(*)::int AS n FROM webhook_deliveries WHERE event_id = $1 GROUP BY 1`, [`${row.tx_hash}:${row.log_index}`])) as { n: number }[];
    expect((await perSubscription()).length).toBeGreaterThan(0);
    const enqueued: string[][] = [];
    const projections = webhookProjections(new Projections(), async () => undefined);
    for (let i = 0; i < 3; i++) {
      const ids: string[] = [];
      await stack.ds.transaction((em) => projections.apply(em, event, () => void ids.push("task")));
      enqueued.push(ids);
    }
    // the first replay may reach subscriptions created since the event; after that, nothing new
    expect(enqueued[1]).toEqual([]);
    expect(enqueued[2]).toEqual([]);
    expect((await perSubscription()).every((s) => s.n === 1)).toBe(true);
  });

  it("gives up after its last attempt, keeping the receiver's status and error; a receiver that never answers times out", async () => {
    receiver.answer("/down", () => 503);
    receiver.answer("/hang", () => "hang");
    const down = await subscribe(bob, "/down", ["recourse.claimed"]);
    const hang = await subscribe(bob, "/hang", ["recourse.claimed"]);
    // a service of its own (two attempts, 300 ms timeout) drives these deliveries; they are dated
    // in the future so that the stack's sweeper leaves them to it
    const service = new WebhooksService(stack.ds, new KeyVault(stack.config.KEY_ENCRYPTION_KEY), undefined, { maxAttempts: 2, timeoutMs: 300 });
    const delivery = async (subscriptionId: string) => {
      const id = randomUUID();
      const payload = { id: `test:${id}`, type: "recourse.claimed", occurredAt: new Date().toISOString(), data: { amount: "1" } };
      await stack.ds.query(
        `INSERT INTO webhook_deliveries (id, subscription_id, organization_id, event_id, event_type, payload, status, created_at)
         VALUES ($1, $2, $3, $4, 'recourse.claimed', $5, 'pending', now() + interval '1 hour')`,
        [id, subscriptionId, bob.orgId, payload.id, JSON.stringify(payload)],
      );
      return id;
    };
    const state = async (id: string) => (await stack.ds.query(`SELECT status, attempts, last_status_code, last_error, next_attempt_at FROM webhook_deliveries WHERE id = $1`, [id]))[0];

    const refused = await delivery(down.id);
    await expect(service.deliver(refused)).rejects.toThrow(/attempt 1 of 2.*HTTP 503/);
    expect(await state(refused)).toMatchObject({ status: "pending", attempts: 1, last_status_code: 503, last_error: expect.stringContaining("receiver is sulking") });
    expect((await state(refused)).next_attempt_at).toBeInstanceOf(Date);
    await service.deliver(refused); // the last attempt: recorded, not thrown
    expect(await state(refused)).toMatchObject({ status: "failed", attempts: 2, last_status_code: 503, next_attempt_at: null });
    await service.deliver(refused); // no longer pending: left alone
    expect(receiver.at("/down")).toHaveLength(2);
    expect(receiver.at("/down").every((r) => r.verified)).toBe(true);

    const slow = await delivery(hang.id);
    const started = Date.now();
    await expect(service.deliver(slow)).rejects.toThrow(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await state(slow)).toMatchObject({ status: "pending", attempts: 1, last_status_code: null, last_error: "no answer within 300 ms" });

    // and what the integrator sees
    const listed = await deliveries(bob, `?status=failed&subscriptionId=${down.id}`);
    expect(listed).toEqual([expect.objectContaining({ id: refused, status: "failed", attempts: 2, lastStatusCode: 503, lastError: expect.stringContaining("HTTP 503") })]);
  });

  it("sends each receivable and financing event to the parties to it only, the core enterprise without the financing's price", async () => {
    const [core, supplier, bankA, bankB] = await Promise.all([
      onboardAs("渝川汽车集团股份有限公司", ["core_enterprise"], CORE_USCC),
      onboardAs("重庆巴渝汽车内饰有限公司", ["supplier"], SUPPLIER_USCC),
      onboardAs("Bank A", ["bank"]),
      onboardAs("Bank B", ["bank"]),
    ]);
    for (const [who, path] of [[core, "/core"], [supplier, "/supplier"], [bankA, "/bankA"], [bankB, "/bankB"]] as const) await subscribe(who, path, ["*"]);
    const types = (path: string) => receiver.at(path).map((x) => x.json.type);
    const event = (path: string, type: string) => receiver.at(path).find((x) => x.json.type === type)!;

    // a verified invoice, registered and confirmed
    const inv = await stack.api.post("/v1/invoices", cleanSeedInvoice(), as(supplier));
    expect(inv.status, JSON.stringify(inv.body)).toBe(202);
    await eventually(async () => (await stack.api.get(`/v1/invoices/${inv.body.id}`, as(supplier))).body.status === "verified", 30_000, "the invoice to be verified");
    const maturity = new Date(Date.now() + 30 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    const reg = await stack.api.post("/v1/receivables", { items: [{ obligorId: core.orgId, invoiceIds: [inv.body.id], maturityDate: maturity }] }, as(supplier));
    expect(reg.status, JSON.stringify(reg.body)).toBe(202);
    const receivableId = reg.body.items[0].receivable.id as string;
    const status = async () => (await stack.api.get(`/v1/receivables/${receivableId}`, as(supplier))).body;
    await eventually(async () => (await status()).status === "pending", 30_000, "registration");
    expect((await stack.api.post("/v1/receivables/confirmations", { receivableIds: [receivableId] }, as(core))).status).toBe(202);
    await eventually(async () => (await status()).status === "confirmed", 30_000, "confirmation");

    // bank A finances it (bank B has a line too, but does not quote)
    for (const bank of [bankA, bankB]) {
      await deposit(bank.orgId, "1000000000000");
      expect((await stack.api.post("/v1/credit-lines", { obligorId: core.orgId, limit: "1000000000000" }, as(bank))).status).toBe(202);
    }
    await eventually(async () => (await stack.api.get("/v1/credit-lines", as(bankA))).body.items.some((c: { limit: string }) => c.limit === "1000000000000"), 30_000, "the credit line");
    const request = await stack.api.post("/v1/financing-requests", { receivableId }, as(supplier));
    const quote = await stack.api.post(
      `/v1/financing-requests/${request.body.id}/quotes`,
      { advanceRateBp: 9000, annualRateBp: 435, dayCount: 360, fee: "0", recourse: false, validUntil: new Date(Date.now() + 86_400_000).toISOString() },
      as(bankA),
    );
    expect(quote.status, JSON.stringify(quote.body)).toBe(201);
    const financing = await stack.api.post(`/v1/quotes/${quote.body.id}/acceptance`, {}, as(supplier));
    expect(financing.status, JSON.stringify(financing.body)).toBe(202);
    await eventually(async () => receiver.at("/bankA").some((x) => x.json.type === "financing.funded"), 60_000, "financing.funded");

    // maturity: the core enterprise pays through its authorization; the ledger's clock moves on
    await deposit(core.orgId, "100000000000");
    expect((await stack.api.post("/v1/settlement/repayment-authorization", { amount: "100000000000" }, as(core))).status).toBe(202);
    await eventually(async () => (await stack.api.get("/v1/settlement/account", as(core))).body.repaymentAuthorization === "100000000000", 30_000, "the authorization");
    const rpc = (method: string, params: unknown[]) =>
      fetch(stack.config.LEDGER_RPC_URL, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    await rpc("evm_increaseTime", [31 * 86_400]);
    await rpc("evm_mine", []);
    await eventually(async () => ["/core", "/supplier", "/bankA"].every((p) => types(p).includes("receivable.settled")), 60_000, "receivable.settled everywhere");
    await sleep(1500);

    expect(receiver.received.every((x) => x.verified)).toBe(true);
    expect(types("/supplier").sort()).toEqual(["financing.funded", "receivable.confirmed", "receivable.registered", "receivable.settled"]);
    expect(types("/core").sort()).toEqual(["financing.funded", "receivable.confirmed", "receivable.registered", "receivable.settled", "settlement.deposit"]);
    expect(types("/bankA").sort()).toEqual(["credit_line.updated", "financing.funded", "receivable.settled", "settlement.deposit"]);
    // bank B hears of its own deposit and credit line, and of nothing of bank A's business
    expect(types("/bankB").sort()).toEqual(["credit_line.updated", "settlement.deposit"]);
    expect(JSON.stringify(receiver.at("/bankB"))).not.toContain(receivableId);

    const { face, certificateId } = { face: (await status()).amount as string, certificateId: (await status()).certificateId as string };
    expect(event("/supplier", "receivable.registered").json.data).toMatchObject({ receivableId, certificateId, obligorId: core.orgId, creditorId: supplier.orgId, amount: face, currency: "CNY", maturity: expect.any(String) });
    const funded = event("/bankA", "financing.funded").json.data;
    expect(funded).toMatchObject({ receivableId, financingId: financing.body.id, requestId: financing.body.requestId, quoteId: financing.body.quoteId, bankId: bankA.orgId, supplierId: supplier.orgId, advance: financing.body.advance, due: financing.body.due, recourse: false });
    expect(event("/supplier", "financing.funded").json).toEqual(event("/bankA", "financing.funded").json);
    // the obligor is told who holds the lien, not the price
    const toCore = event("/core", "financing.funded").json.data;
    expect(toCore).toMatchObject({ receivableId, bankId: bankA.orgId, supplierId: supplier.orgId, amount: face });
    expect(toCore).not.toHaveProperty("advance");
    expect(toCore).not.toHaveProperty("due");
    expect(event("/bankA", "receivable.settled").json.data).toMatchObject({ receivableId, status: "settled", paid: face, outstanding: "0", toBank: financing.body.due, toHolder: (BigInt(face) - BigInt(financing.body.due)).toString() });
    const settledToCore = event("/core", "receivable.settled").json.data;
    expect(settledToCore).toMatchObject({ receivableId, status: "settled", paid: face, outstanding: "0" });
    expect(settledToCore).not.toHaveProperty("toBank");
    // one event, one id, whoever receives it
    expect(event("/core", "receivable.settled").json.id).toBe(event("/bankA", "receivable.settled").json.id);
  });

  it("signs as documented: t=<unix>,v1=<hex HMAC-SHA256(secret, t.body)>, with a five-minute tolerance", () => {
    const body = JSON.stringify({ id: "x", type: "webhook.test" });
    const t = Math.floor(Date.now() / 1000);
    const header = signatureHeader("whsec_test", body, t);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature("whsec_test", body, header)).toBe(true);
    expect(verifySignature("whsec_test", body, signatureHeader("whsec_test", body, t - 301))).toBe(false);
    expect(verifySignature("whsec_test", body, `t=${t},v1=${"0".repeat(64)}`)).toBe(false);
    expect(verifySignature("whsec_test", body, "garbage")).toBe(false);
  });
});
