import { createServer, type Server } from "node:http";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import { Stack } from "./support/stack";
import { eventually, type Api } from "./support/http";
import { loadSeeds, type SeededOrganization } from "../../backend/src/ops/seed";

/**
 * Consent (签收 / 拒签, 77号文) and delinquent obligors (802号令) end to end on the real stack: a
 * certificate issued, transferred or split for another supplier waits in the receiver's inbox
 * until it is accepted or refused, or withdrawn by its sender, or returned by the keeper once it
 * expires or its certificate matures; a core enterprise with a certificate overdue beyond grace may
 * neither issue nor confirm until it pays, or until governance resumes it (`npm run ops --
 * resume-obligor`). Every offer and standing event reaches the parties' webhooks.
 */
const YUAN = 100n;
const DAY = 86_400;
const CORE = "91500112MA8Q2595Y2"; // Yuchuan Automobile Group (cq-auto)
const TIER1 = "91500109MALJ2FN9Q6"; // Chongqing Zhonghe Automotive (sells to Yuchuan)
const TIER2 = "91500109MA12KDNP3R"; // Chongqing Shujin Precision (sells to Zhonghe)
const TIER2B = "91510112MA77QXWF6P"; // Chengdu Dingxin Injection (sells to Zhonghe)

interface Delivery {
  path: string;
  type: string;
  data: Record<string, unknown>;
}

/** An integrator's endpoint that keeps every delivery. */
async function startReceiver() {
  const received: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      received.push({ path: req.url ?? "/", type: body.type, data: body.data });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    received,
    url: (path: string) => `http://127.0.0.1:${(server.address() as { port: number }).port}${path}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("consent (签收 / 拒签) and delinquent obligors", () => {
  let stack: Stack;
  let api: Api;
  let orgs: Map<string, SeededOrganization>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const as = (uscc: string) => ({ key: orgs.get(uscc)!.key });
  const idOf = (uscc: string) => orgs.get(uscc)!.id;
  const issuer = () => [...orgs.values()].find((o) => o.roles.includes("settlement_issuer"))!;

  const mined = (operationId: string, key: string) =>
    eventually(async () => {
      const r = await api.get(`/v1/operations/${operationId}`, { key });
      if (r.body.status === "failed") throw new Error(`operation ${operationId} failed: ${JSON.stringify(r.body.error)}`);
      return r.body.status === "mined" ? r.body : null;
    }, 30_000, `operation ${operationId}`);
  const receivable = (id: string, uscc: string, status: string) =>
    eventually(async () => {
      const r = await api.get(`/v1/receivables/${id}`, as(uscc));
      if (r.body.status === "failed") throw new Error(`${id} failed: ${JSON.stringify(r.body.failure)}`);
      return r.body.status === status ? r.body : null;
    }, 30_000, `receivable ${id} to be ${status}`);
  const chainNow = async () => (await hre.ethers.provider.getBlock("latest"))!.timestamp;
  /** A maturity `days` ahead on the ledger's clock (the tests move it on), as a Beijing date. */
  const maturity = async (days: number) => new Date(((await chainNow()) + days * DAY) * 1000 + 8 * 3600_000).toISOString().slice(0, 10);
  const travel = async (seconds: number) => {
    await hre.network.provider.send("evm_increaseTime", [seconds]);
    await hre.network.provider.send("evm_mine", []);
  };
  const freeInvoices = async () =>
    (await api.get("/v1/invoices?status=verified&limit=100", as(TIER1))).body.items.filter((i: { receivableId: string | null; buyerTaxId: string }) => !i.receivableId && i.buyerTaxId === CORE) as { id: string; total: string }[];
  /** Certificates the core enterprise issues to tier 1, one per invoice: offered once mined. */
  const issue = async (days: number[]) => {
    const invoices = (await freeInvoices()).slice(0, days.length);
    expect(invoices.length).toBe(days.length);
    const items = [];
    for (const [i, d] of days.entries()) items.push({ supplierId: idOf(TIER1), invoiceIds: [invoices[i].id], maturityDate: await maturity(d) });
    const r = await api.post("/v1/receivables/issuances", { items }, as(CORE));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const ids: string[] = r.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
    for (const id of ids) await receivable(id, TIER1, "offered");
    return ids;
  };
  /** The receiver signs for them; tier 1 (medium) agrees to a large core enterprise's term beyond 60 days after delivery where it applies (802号令). */
  const accept = async (uscc: string, ids: string[]) => {
    const r = await api.post("/v1/receivables/acceptances", { receivableIds: ids, agreeToTermBeyond60Days: true }, as(uscc));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    for (const id of ids) await receivable(id, uscc, "confirmed");
  };
  /** Confirmed certificates of tier 1: issued and accepted. */
  const held = async (days: number[]) => {
    const ids = await issue(days);
    await accept(TIER1, ids);
    return ids;
  };
  const transfer = async (id: string, to: string) => {
    const r = await api.post(`/v1/receivables/${id}/transfers`, { organizationId: idOf(to) }, as(TIER1));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    return receivable(id, TIER1, "offered");
  };
  const standing = async (uscc = TIER2) => (await api.get(`/v1/obligors/${idOf(CORE)}/standing`, as(uscc))).body;
  const authorize = async (amount: bigint) => mined((await api.post("/v1/settlement/repayment-authorization", { amount: amount.toString() }, as(CORE))).body.id, as(CORE).key);

  beforeAll(async () => {
    stack = await Stack.start({ env: { KEEPER_INTERVAL_MS: "300", KEEPER_RETRY_MS: "500" } });
    api = stack.api;
    const seeded = await loadSeeds({
      baseUrl: api.baseUrl,
      operatorKey: stack.operatorKey,
      subset: { scenarios: ["cq-auto"], suppliers: [TIER1, TIER2, TIER2B], invoices: (inv) => !inv.expected && inv.invoice.buyerTaxId === CORE },
      waitForVerificationMs: 60_000,
      activeTimeoutMs: 60_000,
    });
    orgs = new Map(seeded.organizations.map((o) => [o.uscc, o]));
    const deposit = await api.post("/v1/settlement/deposits", { organizationId: idOf(CORE), amount: (10_000_000_000n * YUAN).toString() }, { key: issuer().key });
    await mined(deposit.body.id, issuer().key);
    await authorize(10_000_000_000n * YUAN);
    receiver = await startReceiver();
    for (const uscc of [CORE, TIER1, TIER2]) {
      const r = await api.post("/v1/webhooks", { url: receiver.url(`/${uscc}`), events: ["*"] }, as(uscc));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  let kept: string;

  it("puts an issued certificate in its supplier's inbox (待签收) with what it needs to decide, and makes it the supplier's once accepted", async () => {
    const [short, long] = await issue([90, 200]);
    const inbox = (await api.get("/v1/receivables/offers", as(TIER1))).body.items as Record<string, any>[];
    const mine = inbox.filter((o) => [short, long].includes(o.receivableId));
    expect(mine).toHaveLength(2);
    const byId = new Map(mine.map((o) => [o.receivableId, o]));
    for (const o of mine) {
      expect(o).toMatchObject({ kind: "issue", obligor: { id: idOf(CORE), uscc: CORE, paused: false }, from: { id: idOf(CORE) }, to: { id: idOf(TIER1) } });
      expect(o.obligor.name).toBe(orgs.get(CORE)!.name);
      expect(Date.parse(o.expiresAt) - Date.now()).toBeGreaterThan(6 * DAY * 1000); // a week to decide
    }
    expect([byId.get(short)!.beyondSixMonths, byId.get(long)!.beyondSixMonths]).toEqual([false, true]);
    expect(byId.get(short)!.termDays).toBeGreaterThanOrEqual(89);
    expect(byId.get(long)!.termDays).toBeGreaterThanOrEqual(199);
    const outgoing = (await api.get("/v1/receivables/offers?direction=outgoing", as(CORE))).body.items.map((o: { receivableId: string }) => o.receivableId);
    expect(outgoing).toEqual(expect.arrayContaining([short, long]));
    // nobody but the receiver accepts: not the sender (a core enterprise accepts nothing), not a stranger (it cannot see it)
    expect((await api.post("/v1/receivables/acceptances", { receivableIds: [short] }, as(CORE))).status).toBe(403);
    expect((await api.post("/v1/receivables/acceptances", { receivableIds: [short] }, as(TIER2))).status).toBe(404);
    expect((await api.get(`/v1/receivables/${short}`, as(TIER2))).status).toBe(404);
    // nothing can be done with it meanwhile
    const early = await api.post(`/v1/receivables/${short}/transfers`, { organizationId: idOf(TIER2) }, as(TIER1));
    expect([early.status, early.body.code]).toEqual([409, "RECEIVABLE.INVALID_STATUS"]);

    // 802号令: the core enterprise is large, tier 1 an SME (medium): both certificates mature more
    // than 60 days after the goods were delivered, so tier 1 must agree to the term, explicitly
    for (const o of mine) {
      expect(o.smeTermBeyond60Days).toMatchObject({ deliveredBy: expect.stringMatching(/^(waybill|invoice)$/) });
      expect(o.smeTermBeyond60Days.daysAfterDelivery).toBeGreaterThan(60);
      expect(o.smeTermBeyond60Days.daysAfterDelivery).toBeGreaterThanOrEqual(o.termDays);
    }
    const unagreed = await api.post("/v1/receivables/acceptances", { receivableIds: [short, long] }, as(TIER1));
    expect([unagreed.status, unagreed.body.errors?.[0]?.field]).toEqual([422, "body.agreeToTermBeyond60Days"]);
    expect(unagreed.body.errors[0].message).toContain(`${short} matures ${byId.get(short)!.smeTermBeyond60Days.daysAfterDelivery} days after delivery`);
    expect((await api.get(`/v1/receivables/${short}`, as(TIER1))).body.status).toBe("offered"); // nothing was queued

    await accept(TIER1, [short, long]);
    const agreements = await stack.ds.query(`SELECT receivable_id, supplier_organization_id, days_after_delivery FROM sme_term_agreements WHERE receivable_id = ANY($1::uuid[])`, [[short, long]]);
    const agreed = new Map(agreements.map((a: { receivable_id: string; supplier_organization_id: string; days_after_delivery: number }) => [a.receivable_id, [a.supplier_organization_id, a.days_after_delivery]]));
    expect(agreed).toEqual(
      new Map([
        [short, [idOf(TIER1), byId.get(short)!.smeTermBeyond60Days.daysAfterDelivery]],
        [long, [idOf(TIER1), byId.get(long)!.smeTermBeyond60Days.daysAfterDelivery]],
      ]),
    );
    // the compliance report counts them for the core enterprise (the operator and auditors read it)
    const terms = (await api.get("/v1/conformity/payment-terms", { key: stack.operatorKey })).body.items.find((x: { organizationId: string }) => x.organizationId === idOf(CORE));
    expect(terms).toMatchObject({ uscc: CORE, enterpriseSize: "large", issued: 2, accepted: 2, smeBeyond60Days: 2, beyondSixMonths: 1, paused: false });
    expect((await api.get("/v1/conformity/payment-terms", as(TIER1))).status).toBe(403);
    const r = (await api.get(`/v1/receivables/${short}`, as(TIER1))).body;
    expect([r.holderId, r.origin, r.offer]).toEqual([idOf(TIER1), "issued", null]);
    expect((await api.get("/v1/receivables/offers", as(TIER1))).body.items.filter((o: { receivableId: string }) => [short, long].includes(o.receivableId))).toEqual([]);
    kept = short;
  });

  it("voids an issued certificate its supplier refuses (拒签): the reason is the core enterprise's to read, the invoices back another", async () => {
    const invoice = (await freeInvoices())[0];
    const [id] = await issue([60]);
    expect((await api.get(`/v1/receivables/${id}/invoices`, as(TIER1))).body.items.map((i: { id: string }) => i.id)).toEqual([invoice.id]);
    for (const reason of ["", "   ", "x".repeat(201)]) {
      const bad = await api.post("/v1/receivables/refusals", { receivableIds: [id], reason }, as(TIER1));
      expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([422, "body.reason"]);
    }
    const reason = "货物数量与发票不符，请按实际交付数量重新开立";
    const refused = await api.post("/v1/receivables/refusals", { receivableIds: [id], reason }, as(TIER1));
    expect(refused.status, JSON.stringify(refused.body)).toBe(202);
    const v = await receivable(id, CORE, "void");
    expect(v.offerReturn).toMatchObject({ cause: "refused", reason });
    expect(v.repayment.outstanding).toBe("0");
    // the invoice is free: the core enterprise issues again on it, and this time the supplier signs
    const again = await eventually(async () => ((await freeInvoices()).some((i) => i.id === invoice.id) ? true : null), 20_000, "the invoice to be released");
    expect(again).toBe(true);
    const reissued = await api.post("/v1/receivables/issuances", { items: [{ supplierId: idOf(TIER1), invoiceIds: [invoice.id], maturityDate: await maturity(60) }] }, as(CORE));
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(202);
    const newId = reissued.body.items[0].receivable.id;
    await receivable(newId, TIER1, "offered");
    await accept(TIER1, [newId]);
  });

  it("gives a refused transfer back to its sender, lets the sender withdraw one, and moves it when the next receiver accepts", async () => {
    const offered = await transfer(kept, TIER2);
    expect(offered.offer).toMatchObject({ kind: "transfer", fromOrganizationId: idOf(TIER1), toOrganizationId: idOf(TIER2) });
    expect(offered.holderId).toBe(idOf(TIER1)); // the sender holds it until it is accepted
    expect((await api.get(`/v1/receivables/${kept}`, as(TIER2))).status).toBe(200); // the receiver reads what it is offered
    expect((await api.get(`/v1/receivables/${kept}`, as(TIER2B))).status).toBe(404);
    const twice = await api.post(`/v1/receivables/${kept}/transfers`, { organizationId: idOf(TIER2B) }, as(TIER1));
    expect([twice.status, twice.body.code]).toEqual([409, "RECEIVABLE.INVALID_STATUS"]);
    expect((await api.post("/v1/receivables/offer-withdrawals", { receivableIds: [kept] }, as(TIER2))).status).toBe(403); // only the sender withdraws

    expect((await api.post("/v1/receivables/refusals", { receivableIds: [kept], reason: "not ordered" }, as(TIER2))).status).toBe(202);
    const back = await receivable(kept, TIER1, "confirmed");
    expect([back.holderId, back.offer, back.offerReturn.cause, back.offerReturn.reason]).toEqual([idOf(TIER1), null, "refused", "not ordered"]);
    expect((await api.get(`/v1/receivables/${kept}`, as(TIER2))).status).toBe(404);

    await transfer(kept, TIER2B);
    expect((await api.post("/v1/receivables/offer-withdrawals", { receivableIds: [kept] }, as(TIER1))).status).toBe(202);
    expect((await receivable(kept, TIER1, "confirmed")).offerReturn.cause).toBe("withdrawn");

    await transfer(kept, TIER2B);
    await accept(TIER2B, [kept]);
    const moved = (await api.get(`/v1/receivables/${kept}`, as(TIER2B))).body;
    expect([moved.holderId, moved.creditorId]).toEqual([idOf(TIER2B), idOf(TIER1)]);
  });

  it("keeps a refused split part with the splitter, confirmed; the kept part is the splitter's at once", async () => {
    const [id] = await held([80]);
    const amount = BigInt((await api.get(`/v1/receivables/${id}`, as(TIER1))).body.amount);
    const half = amount / 2n;
    const split = await api.post(`/v1/receivables/${id}/splits`, { parts: [{ organizationId: idOf(TIER2), amount: half.toString() }, { organizationId: idOf(TIER1), amount: (amount - half).toString() }] }, as(TIER1));
    expect(split.status, JSON.stringify(split.body)).toBe(202);
    await receivable(id, TIER1, "split");
    const offer = await eventually(async () => (await api.get("/v1/receivables/offers", as(TIER2))).body.items.find((o: { kind: string }) => o.kind === "split"), 20_000, "the part offered");
    expect([offer.amount, offer.from.id, offer.receivable.holderId, offer.receivable.parentId]).toEqual([half.toString(), idOf(TIER1), idOf(TIER1), id]);
    expect((await api.post("/v1/receivables/refusals", { receivableIds: [offer.receivableId], reason: "we take no certificates" }, as(TIER2))).status).toBe(202);
    const part = await receivable(offer.receivableId, TIER1, "confirmed");
    expect([part.holderId, part.tier]).toEqual([idOf(TIER1), 1]);
    const lineage = (await api.get(`/v1/receivables/${id}/lineage`, as(TIER1))).body;
    expect(lineage.children.map((c: { status: string; holder: { id: string } }) => [c.status, c.holder.id])).toEqual([["confirmed", idOf(TIER1)], ["confirmed", idOf(TIER1)]]);
  });

  it("lets the core enterprise withdraw an issue its supplier has not accepted: void, the invoice free again", async () => {
    const [id] = await issue([70]);
    const invoiceId = (await api.get(`/v1/receivables/${id}/invoices`, as(CORE))).body.items[0].id;
    expect((await api.post("/v1/receivables/offer-withdrawals", { receivableIds: [id] }, as(CORE))).status).toBe(202);
    expect((await receivable(id, CORE, "void")).offerReturn.cause).toBe("withdrawn");
    await eventually(async () => ((await freeInvoices()).some((i) => i.id === invoiceId) ? true : null), 20_000, "the invoice to be released");
  });

  it("returns offers nobody accepted: at maturity (then the sender is paid) and after the acceptance period (an issue is then void)", async () => {
    const [soon] = await held([2]);
    const [later] = await held([60]);
    const [issued] = await issue([60]);
    await transfer(soon, TIER2);
    await transfer(later, TIER2);
    // the certificate matures before its offer expires: the keeper returns it, then settles it with its holder
    await travel(2 * DAY + 3600);
    const paid = await receivable(soon, TIER1, "settled");
    expect([paid.holderId, paid.repayment.paidToHolder, paid.offerReturn.cause]).toEqual([idOf(TIER1), paid.amount, "expired"]);
    expect((await api.get(`/v1/receivables/${later}`, as(TIER1))).body.status).toBe("offered");
    // a week on, the other offers have expired. While another run of the keeper (here, the test) holds
    // its lock, none queues a return: two runs at once would each queue the same offers
    const other = stack.ds.createQueryRunner();
    await other.connect();
    await other.query(`SELECT pg_advisory_lock(hashtext('clearing:keeper'))`);
    const [{ last }] = await stack.ds.query(`SELECT coalesce(max(id), 0)::text AS last FROM outbox`);
    await travel(7 * DAY);
    await new Promise((r) => setTimeout(r, 1500)); // five of the keeper's ticks
    const queued = await stack.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE kind = 'ledger.expireOffers' AND id > $1`, [last]);
    expect([queued[0].n, (await api.get(`/v1/receivables/${later}`, as(TIER1))).body.status]).toEqual([0, "offered"]);
    await other.query(`SELECT pg_advisory_unlock(hashtext('clearing:keeper'))`);
    await other.release();
    // the lock released, the next run returns them to their senders
    const back = await receivable(later, TIER1, "confirmed");
    expect([back.holderId, back.offerReturn.cause]).toEqual([idOf(TIER1), "expired"]);
    expect((await receivable(issued, CORE, "void")).offerReturn.cause).toBe("expired");
    const late = await api.post("/v1/receivables/acceptances", { receivableIds: [later] }, as(TIER2));
    expect(late.status).toBe(404); // no longer offered to it
  });

  it("pauses a core enterprise with a certificate overdue beyond grace: it may neither issue nor confirm until it pays", async () => {
    const [due] = await held([2]);
    const dueCert = (await api.get(`/v1/receivables/${due}`, as(TIER1))).body;
    const [invoice] = await freeInvoices();
    const registered = await api.post("/v1/receivables", { items: [{ obligorId: idOf(CORE), invoiceIds: [invoice.id], maturityDate: await maturity(90) }] }, as(TIER1));
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    const pending = registered.body.items[0].receivable.id;
    await receivable(pending, TIER1, "pending");
    await authorize(1n);
    await travel(2 * DAY + 3 * DAY + 3600); // maturity and the grace period pass unpaid
    await receivable(due, TIER1, "overdue");
    const paused = await eventually(async () => {
      const s = await standing();
      return s.paused ? s : null;
    }, 20_000, "the obligor to be paused");
    expect(paused).toMatchObject({ organizationId: idOf(CORE), paused: true, delinquencies: 1, certificateIds: [dueCert.certificateId], resumedReason: null });
    expect(paused.since).toBeTruthy();
    expect((await api.get(`/v1/receivables/${due}`, as(TIER1))).body.delinquent).toBe(true);
    // the supplier deciding on an offer sees it, and so does any member
    expect((await standing(TIER2B)).paused).toBe(true);

    // the core enterprise's own operations (the keeper keeps trying to collect the overdue one meanwhile)
    const queued = () => stack.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE organization_id = $1`, [idOf(CORE)]);
    const before = await queued();
    const [free] = await freeInvoices();
    const issueRefused = await api.post("/v1/receivables/issuances", { items: [{ supplierId: idOf(TIER1), invoiceIds: [free.id], maturityDate: await maturity(60) }] }, as(CORE));
    expect([issueRefused.status, issueRefused.body.code]).toEqual([409, "OBLIGOR.PAUSED"]);
    expect(issueRefused.contentType).toMatch(/^application\/problem\+json/);
    expect(issueRefused.body.detail).toContain(dueCert.certificateId);
    expect([issueRefused.body.certificateIds, issueRefused.body.receivableIds]).toEqual([[dueCert.certificateId], [due]]);
    const confirmRefused = await api.post("/v1/receivables/confirmations", { receivableIds: [pending] }, as(CORE));
    expect([confirmRefused.status, confirmRefused.body.code]).toEqual([409, "OBLIGOR.PAUSED"]);
    expect(await queued()).toEqual(before); // nothing queued
    expect((await freeInvoices()).some((i) => i.id === free.id)).toBe(true); // nothing attached

    // it pays: the keeper collects the overdue certificate and the obligor may confirm again
    await authorize(10_000_000_000n * YUAN);
    await receivable(due, TIER1, "settled");
    const resumed = await eventually(async () => {
      const s = await standing();
      return s.paused ? null : s;
    }, 20_000, "the obligor to be resumed");
    expect(resumed).toMatchObject({ paused: false, delinquencies: 0, certificateIds: [], resumedReason: null });
    expect(resumed.resumedAt).toBeTruthy();
    expect((await api.post("/v1/receivables/confirmations", { receivableIds: [pending] }, as(CORE))).status).toBe(202);
    await receivable(pending, CORE, "confirmed");
  });

  it("lets governance resume a paused obligor with a reason (npm run ops -- resume-obligor); its overdue certificate stays overdue", async () => {
    const [due] = await held([2]);
    await authorize(1n);
    await travel(2 * DAY + 3 * DAY + 3600);
    await receivable(due, TIER1, "overdue");
    await eventually(async () => ((await standing()).paused ? true : null), 20_000, "the obligor to be paused");
    // the keeper keeps trying to collect it: give it nothing to collect while governance acts
    const reason = "债权人会议通过重组协议（2026）渝破字第17号";
    const cli = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(__dirname, "../../backend/src/ops/cli.ts"), "resume-obligor", "--organization", idOf(CORE), "--reason", reason], {
      env: { ...process.env, ...stack.env, TS_NODE_TRANSPILE_ONLY: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    cli.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    cli.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => cli.on("exit", resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(/resumed .* 1 delinquent certificate/);
    const resumed = await eventually(async () => {
      const s = await standing();
      return s.paused ? null : s;
    }, 20_000, "the obligor to be resumed by governance");
    expect([resumed.resumedReason, resumed.delinquencies]).toEqual([reason, 0]);
    const r = (await api.get(`/v1/receivables/${due}`, as(TIER1))).body;
    expect([r.status, r.delinquent]).toEqual(["overdue", false]);
    // it may issue again (and the keeper still collects the overdue one once it pays)
    const [again] = await issue([60]);
    expect(again).toBeTruthy();
    await authorize(10_000_000_000n * YUAN);
    await receivable(due, TIER1, "settled");
    // nothing to resume any more: the command says so and changes nothing
    const idle = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(__dirname, "../../backend/src/ops/cli.ts"), "resume-obligor", "--organization", idOf(CORE), "--reason", "again"], {
      env: { ...process.env, ...stack.env, TS_NODE_TRANSPILE_ONLY: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let idleOut = "";
    idle.stderr!.on("data", (d: Buffer) => (idleOut += d.toString()));
    idle.stdout!.resume();
    expect(await new Promise<number | null>((resolve) => idle.on("exit", resolve))).toBe(1);
    expect(idleOut).toMatch(/not paused/);
  }, 120_000);

  it("tells the parties' webhooks of every offer and of the pause and resumption", async () => {
    const wanted = ["receivable.offered", "receivable.accepted", "receivable.refused", "receivable.offer_withdrawn", "receivable.offer_expired", "obligor.paused", "obligor.resumed"];
    const types = await eventually(async () => {
      const seen = new Set(receiver.received.filter((d) => d.path === `/${TIER1}`).map((d) => d.type));
      return wanted.every((t) => seen.has(t)) ? seen : null;
    }, 30_000, "every kind of offer and standing event at tier 1's endpoint");
    expect(wanted.filter((t) => !types.has(t))).toEqual([]);
    const refused = receiver.received.find((d) => d.path === `/${CORE}` && d.type === "receivable.refused" && d.data.kind === "issue")!;
    expect(refused.data).toMatchObject({ fromId: idOf(CORE), toId: idOf(TIER1), status: "void", reason: "货物数量与发票不符，请按实际交付数量重新开立" });
    const byGovernance = receiver.received.find((d) => d.path === `/${CORE}` && d.type === "obligor.resumed" && d.data.resumedBy === "governance")!;
    expect(byGovernance.data.reason).toBe("债权人会议通过重组协议（2026）渝破字第17号");
    // a stranger to a certificate hears nothing of it: tier 2 was offered transfers and a split part only
    const tier2 = receiver.received.filter((d) => d.path === `/${TIER2}`);
    expect(tier2.every((d) => d.type !== "receivable.issued" && !d.type.startsWith("obligor."))).toBe(true);
  });
});
