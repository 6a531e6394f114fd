import { randomBytes } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import { ReceivableLedger__factory } from "../../../typechain-types";
import { eventually, type Reply } from "../support/http";
import { expectDatabaseEqualsReprojection } from "../chaos/invariants";
import { Rng } from "../chaos/prng";
import { RaceWorld, expectRefused, race, rounds, won, type Party } from "./world";

/**
 * Conflicting requests sent at the same moment, each to its own API server, many times: every
 * answer is a 2xx or the 4xx problem the sequential order would give (never a 500), exactly one
 * side wins where only one may, and after all of it the database is a re-projection of the chain.
 * RACE_ROUNDS sets the rounds per pair (20 by default: two waves of PARALLEL, so that `npm test` stays within its time
 * on a 2-core machine; `npm run test:races:long` runs 200); RACE_SEED replays a run.
 */
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 20);
const PARALLEL = 10;
/** The credit-line races go one round at a time, each waiting for a line to be mined: time by the round. */
const SEQUENTIAL_TIMEOUT = Math.max(120_000, ROUNDS * 6_000);
const SEED = Number(process.env.RACE_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe("races", () => {
  let w: RaceWorld;
  let A: RaceWorld["servers"][0];
  let B: RaceWorld["servers"][1];
  let s1: Party, s2: Party, s3: Party, s4: Party;
  let bankA: Party, bankB: Party, bankC: Party, bankD: Party;
  /** Certificates made beforehand for each race. */
  const pool = new Map<string, { id: string; amount: bigint }[]>();
  const take = (what: string, n = 1) => pool.get(what)!.splice(0, n);
  /** Funded financings the races produced, checked at the end. */
  const funded: { requestId: string; quoteId: string; financingId: string; supplier: Party }[] = [];
  /** Operations the races expect the ledger to refuse (an acceptance after expiry, a confirmation after the pause), checked there. */
  const refusedByLedger = new Set<string>();
  const DAY = 86_400;
  /** A date `days` ahead on the ledger's clock (which the late races move on), in China Standard Time. */
  const ledgerDate = async (days: number) => new Date(((await hre.ethers.provider.getBlock("latest"))!.timestamp + days * DAY) * 1000 + 8 * 3600_000).toISOString().slice(0, 10);
  const travel = async (seconds: number) => {
    await hre.network.provider.send("evm_increaseTime", [seconds]);
    await hre.network.provider.send("evm_mine", []);
  };
  /** An operation's end: mined or failed (with its error). */
  const ended = (operationId: string, key: string) =>
    eventually(async () => {
      const r = await w.api.get(`/v1/operations/${operationId}`, { key });
      return r.body.status === "mined" || r.body.status === "failed" ? r.body : null;
    }, 60_000, `operation ${operationId} to end`);

  /** Why a change was refused as still in flight: the operation and the certificate as the database has them. */
  const inFlight = async (operationId: string | undefined, receivableId: string) =>
    operationId === undefined
      ? ""
      : JSON.stringify(
          await w.stack.ds.query(
            `SELECT o.id::text, o.kind, o.status, o.created_at, o.payload, t.tx_hash, t.status AS tx_status, t.block_number::text, r.operation_id::text, r.chain_block::text, r.status AS certificate
             FROM receivables r, outbox o LEFT JOIN ledger_transactions t ON t.id = o.ledger_tx_id WHERE o.id = $1 AND r.id = $2`,
            [operationId, receivableId],
          ),
        );

  beforeAll(async () => {
    console.log(`races: seed ${SEED}, ${ROUNDS} rounds per pair`);
    w = await RaceWorld.start(new Rng(SEED), 16 * ROUNDS + 40);
    [A, B] = w.servers;
    [s1, s2, s3, s4] = w.suppliers;
    [bankA, bankB, bankC, bankD] = w.banks;
    const made = await Promise.all([
      w.certificates(s1, 3 * ROUNDS),
      w.certificates(s2, 3 * ROUNDS),
      w.certificates(s3, 3 * ROUNDS),
      w.certificates(s4, ROUNDS + 2 * ROUNDS, { pending: true }),
    ]);
    // offers waiting for their receivers (签收): s2's to s3, s3's to s1
    await Promise.all([w.offer(s2, made[1].slice(2 * ROUNDS).map((c) => c.id), s3), w.offer(s3, made[2].slice(2 * ROUNDS).map((c) => c.id), s1)]);
    pool.set("offer-accept-withdraw", made[1].slice(2 * ROUNDS));
    pool.set("offer-refuse-transfer", made[2].slice(2 * ROUNDS));
    pool.set("accept-accept", made[0].slice(0, ROUNDS));
    pool.set("accept-withdraw", made[0].slice(ROUNDS, 2 * ROUNDS));
    pool.set("accept-requote", made[0].slice(2 * ROUNDS));
    pool.set("accept-line-cut", made[1].slice(0, ROUNDS));
    pool.set("line-for-one-s2", made[1].slice(ROUNDS, 2 * ROUNDS));
    pool.set("line-for-one-s3", made[2].slice(0, ROUNDS));
    pool.set("split-request", made[2].slice(ROUNDS, ROUNDS + Math.ceil(ROUNDS / 2)));
    pool.set("split-transfer", made[2].slice(ROUNDS + Math.ceil(ROUNDS / 2), 2 * ROUNDS));
    pool.set("pending", made[3]);
  }, 600_000);
  afterAll(async () => w?.close());

  const accept = (api: typeof A, supplier: Party, quoteId: string) => api.post(`/v1/quotes/${quoteId}/acceptance`, {}, supplier);
  const financed = (r: Reply, requestId: string, supplier: Party) => funded.push({ requestId, quoteId: r.body.quoteId, financingId: r.body.id, supplier });

  it("accept quote A ∥ accept quote B of the same request: one financing, the other answers 409 FINANCING.REQUEST_CLOSED", async () => {
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const [c] = take("accept-accept");
      const request = await w.openRequest(s1, c.id);
      const [qa, qb] = [await w.quote(bankA, request), await w.quote(bankB, request)];
      const flip = i % 2 === 1;
      const [ra, rb] = await race(
        () => accept(flip ? B : A, s1, qa.id),
        () => accept(flip ? A : B, s1, qb.id),
      );
      const round = `round ${i}`;
      expect([ra, rb].filter(won).length, `${round}: exactly one acceptance wins (${ra.status}, ${rb.status})`).toBe(1);
      const [winner, loser] = won(ra) ? [ra, rb] : [rb, ra];
      expect(winner.status).toBe(202);
      expectRefused(loser, 409, ["FINANCING.REQUEST_CLOSED"], round);
      financed(winner, request, s1);
      const view = (await A.get(`/v1/financing-requests/${request}`, s1)).body.request;
      // accepted, or funded already if the funding job was quick
      expect(["accepted", "funded"], round).toContain(view.status);
      expect([view.acceptedQuoteId, view.financingId], round).toEqual([winner.body.quoteId, winner.body.id]);
      const quotes = (await B.get(`/v1/financing-requests/${request}/quotes`, s1)).body.items;
      expect(quotes.map((q: { status: string }) => q.status).sort(), round).toEqual(["accepted", "closed"]);
    });
  });

  it("accept ∥ the bank withdrawing that quote: exactly one wins, the other answers 409 QUOTE.NOT_OPEN", async () => {
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const [c] = take("accept-withdraw");
      const request = await w.openRequest(s1, c.id);
      const q = await w.quote(bankA, request);
      const flip = i % 2 === 1;
      const [ra, rw] = await race(
        () => accept(flip ? B : A, s1, q.id),
        () => (flip ? A : B).post(`/v1/quotes/${q.id}/withdrawal`, {}, bankA),
      );
      const round = `round ${i}`;
      expect([ra, rw].filter(won).length, `${round}: exactly one wins (${ra.status}, ${rw.status})`).toBe(1);
      if (won(ra)) {
        expect(ra.status).toBe(202);
        expectRefused(rw, 409, ["QUOTE.NOT_OPEN"], round);
        financed(ra, request, s1);
      } else {
        expect(rw.body.status).toBe("withdrawn");
        expectRefused(ra, 409, ["QUOTE.NOT_OPEN"], round);
      }
    });
  });

  it("accept ∥ another bank quoting on the same request: the acceptance always wins; the new quote is refused (409) or closed", async () => {
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const [c] = take("accept-requote");
      const request = await w.openRequest(s1, c.id);
      const q = await w.quote(bankA, request);
      const validUntil = new Date(Date.now() + 3600_000).toISOString();
      const flip = i % 2 === 1;
      const [ra, rq] = await race(
        () => accept(flip ? B : A, s1, q.id),
        () => (flip ? A : B).post(`/v1/financing-requests/${request}/quotes`, { advanceRateBp: 8000, annualRateBp: 300, dayCount: 365, fee: "0", validUntil }, bankB),
      );
      const round = `round ${i}`;
      expect(ra.status, `${round}: ${JSON.stringify(ra.body)}`).toBe(202);
      financed(ra, request, s1);
      if (rq.status === 201) {
        const quotes = (await A.get(`/v1/financing-requests/${request}/quotes`, s1)).body.items;
        expect(quotes.find((x: { id: string }) => x.id === rq.body.id).status, round).toBe("closed");
      } else expectRefused(rq, 409, ["FINANCING.REQUEST_CLOSED"], round);
    });
  });

  // the two credit-line races go one round at a time (each round starts from one line's exact
  // room), on two banks' lines: they run side by side
  it.concurrent("accept ∥ the bank cutting its credit line below the quote: exactly one wins, the other answers 422", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const [c] = take("accept-line-cut");
      const due = c.amount / 2n;
      const before = await w.line(bankC);
      await w.setLine(bankC, before.used + before.committed + due);
      const request = await w.openRequest(s2, c.id);
      const q = await w.quote(bankC, request, due);
      const flip = i % 2 === 1;
      const [ra, rl] = await race(
        () => accept(flip ? B : A, s2, q.id),
        () => (flip ? A : B).post("/v1/credit-lines", { obligorId: w.core.id, limit: (before.used + before.committed).toString() }, bankC),
      );
      const round = `round ${i}`;
      expect([ra, rl].filter(won).length, `${round}: exactly one wins (${ra.status}, ${rl.status})`).toBe(1);
      if (won(ra)) {
        financed(ra, request, s2);
        expectRefused(rl, 422, ["REQUEST.INVALID"], round);
      } else {
        expect(rl.status).toBe(202);
        await w.mined(rl.body.operation.id, bankC.key);
        expectRefused(ra, 422, ["CREDIT_LINE.INSUFFICIENT"], round);
        await A.post(`/v1/financing-requests/${request}/cancellation`, {}, s2);
      }
    }
  }, SEQUENTIAL_TIMEOUT);

  it.concurrent("two suppliers accepting quotes of one bank whose line fits only one: one 202, the other 422 CREDIT_LINE.INSUFFICIENT", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const [[c1], [c2]] = [take("line-for-one-s2"), take("line-for-one-s3")];
      const due = (c1.amount < c2.amount ? c1.amount : c2.amount) / 2n;
      const before = await w.line(bankD);
      await w.setLine(bankD, before.used + before.committed + due);
      const [r1, r2] = [await w.openRequest(s2, c1.id), await w.openRequest(s3, c2.id)];
      const [q1, q2] = [await w.quote(bankD, r1, due), await w.quote(bankD, r2, due)];
      const flip = i % 2 === 1;
      const [a1, a2] = await race(
        () => accept(flip ? B : A, s2, q1.id),
        () => accept(flip ? A : B, s3, q2.id),
      );
      const round = `round ${i}`;
      expect([a1, a2].filter(won).length, `${round}: exactly one wins (${a1.status}, ${a2.status})`).toBe(1);
      const [winner, loser, requests] = won(a1) ? [a1, a2, [r1, r2]] : [a2, a1, [r2, r1]];
      expectRefused(loser, 422, ["CREDIT_LINE.INSUFFICIENT"], round);
      financed(winner, requests[0], won(a1) ? s2 : s3);
      await A.post(`/v1/financing-requests/${requests[1]}/cancellation`, {}, won(a1) ? s3 : s2);
    }
  }, SEQUENTIAL_TIMEOUT);

  it("split ∥ financing request of the same certificate: exactly one wins, the other answers 409", async () => {
    await rounds(Math.ceil(ROUNDS / 2), PARALLEL, async (i) => {
      const [c] = take("split-request");
      const half = c.amount / 2n;
      const flip = i % 2 === 1;
      const [rs, rr] = await race(
        () => (flip ? B : A).post(`/v1/receivables/${c.id}/splits`, { parts: [{ organizationId: s4.id, amount: half.toString() }, { organizationId: s3.id, amount: (c.amount - half).toString() }] }, s3),
        () => (flip ? A : B).post("/v1/financing-requests", { receivableId: c.id }, s3),
      );
      const round = `round ${i}`;
      expect([rs, rr].filter(won).length, `${round}: exactly one wins (${rs.status}, ${rr.status})`).toBe(1);
      if (won(rs)) expectRefused(rr, 409, ["RECEIVABLE.CHANGE_IN_PROGRESS", "RECEIVABLE.INVALID_STATUS"], round);
      else expectRefused(rs, 409, ["FINANCING.REQUEST_OPEN"], round);
    });
    // the parts the splits offered to s4 wait for it: it accepts them (nothing is left offered at maturity)
    await w.quiet();
    await w.acceptOffers(s4);
  });

  it("split ∥ transfer of the same certificate: exactly one wins, the other answers 409", async () => {
    const raced = new Set<string>();
    await rounds(ROUNDS - Math.ceil(ROUNDS / 2), PARALLEL, async (i) => {
      const [c] = take("split-transfer");
      raced.add(c.id);
      const half = c.amount / 2n;
      const flip = i % 2 === 1;
      const [rs, rt] = await race(
        () => (flip ? B : A).post(`/v1/receivables/${c.id}/splits`, { parts: [{ organizationId: s4.id, amount: half.toString() }, { organizationId: s3.id, amount: (c.amount - half).toString() }] }, s3),
        () => (flip ? A : B).post(`/v1/receivables/${c.id}/transfers`, { organizationId: s1.id }, s3),
      );
      const round = `round ${i}`;
      expect([rs, rt].filter(won).length, `${round}: exactly one wins (${rs.status}, ${rt.status})`).toBe(1);
      expectRefused(won(rs) ? rt : rs, 409, ["RECEIVABLE.CHANGE_IN_PROGRESS", "RECEIVABLE.INVALID_STATUS"], round);
    });
    // whichever won offered a certificate (a part to s4, or the whole to s1): its receiver accepts it
    await w.quiet();
    await w.acceptOffers(s4);
    await w.acceptOffers(s1, (o) => raced.has(o.receivableId) || raced.has(o.receivable.parentId ?? ""));
  });

  it("accept ∥ the sender withdrawing the same offer: exactly one wins, the other answers 409, and the certificate ends with the winner's outcome", async () => {
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const [c] = take("offer-accept-withdraw"); // s2's, offered to s3
      const flip = i % 2 === 1;
      const [ra, rw] = await race(
        () => (flip ? B : A).post("/v1/receivables/acceptances", { receivableIds: [c.id], agreeToTermBeyond60Days: true }, s3),
        () => (flip ? A : B).post("/v1/receivables/offer-withdrawals", { receivableIds: [c.id] }, s2),
      );
      const round = `round ${i}`;
      expect([ra, rw].filter(won).length, `${round}: exactly one wins (${ra.status}, ${rw.status})`).toBe(1);
      expectRefused(won(ra) ? rw : ra, 409, ["RECEIVABLE.CHANGE_IN_PROGRESS", "RECEIVABLE.INVALID_STATUS"], round);
      const [winner, holder] = won(ra) ? [ra, s3] : [rw, s2];
      await w.mined(winner.body.items[0].operation.id, holder.key);
      const view = (await A.get(`/v1/receivables/${c.id}`, holder)).body;
      expect([view.status, view.holderId, view.offer], round).toEqual(["confirmed", holder.id, null]);
      expect(view.offerReturn?.cause ?? null, round).toBe(won(ra) ? null : "withdrawn");
    });
  });

  it("refuse ∥ the sender's next transfer of the same certificate: the refusal wins, the transfer answers 409 until the certificate is back; then it goes through", async () => {
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const [c] = take("offer-refuse-transfer"); // s3's, offered to s1
      const flip = i % 2 === 1;
      const [rr, rt] = await race(
        () => (flip ? B : A).post("/v1/receivables/refusals", { receivableIds: [c.id], reason: "not what we ordered" }, s1),
        () => (flip ? A : B).post(`/v1/receivables/${c.id}/transfers`, { organizationId: s4.id }, s3),
      );
      const round = `round ${i}`;
      expect(rr.status, `${round}: ${JSON.stringify(rr.body)}`).toBe(202);
      expectRefused(rt, 409, ["RECEIVABLE.CHANGE_IN_PROGRESS", "RECEIVABLE.INVALID_STATUS"], round);
      await w.mined(rr.body.items[0].operation.id, s1.key);
      const back = (await A.get(`/v1/receivables/${c.id}`, s3)).body;
      expect([back.status, back.holderId, back.offerReturn?.cause, back.offerReturn?.reason], round).toEqual(["confirmed", s3.id, "refused", "not what we ordered"]);
      // back with its sender, it goes on to the next receiver, who accepts it
      const next = await (flip ? A : B).post(`/v1/receivables/${c.id}/transfers`, { organizationId: s4.id }, s3);
      expect(next.status, `${round}: ${JSON.stringify(next.body)} ${await inFlight(next.body.operationId, c.id)}`).toBe(202);
      // the receiver signs once the offer is written: the indexer may show it offered a moment before the
      // platform has the transfer's receipt, and until then an acceptance is told the change is in flight
      await w.mined(next.body.operation.id, s3.key);
      await w.statuses(s3, [c.id], "offered");
      const accepted = await B.post("/v1/receivables/acceptances", { receivableIds: [c.id], agreeToTermBeyond60Days: true }, s4);
      expect(accepted.status, `${round}: ${JSON.stringify(accepted.body)} ${await inFlight(accepted.body.operationId, c.id)}`).toBe(202);
      await w.mined(accepted.body.items[0].operation.id, s4.key);
      expect((await A.get(`/v1/receivables/${c.id}`, s4)).body.holderId, round).toBe(s4.id);
    });
  });

  it("confirm ∥ reject of the same receivable: exactly one wins, the other answers 409", async () => {
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const [c] = take("pending");
      const flip = i % 2 === 1;
      const [rc, rr] = await race(
        () => (flip ? B : A).post("/v1/receivables/confirmations", { receivableIds: [c.id] }, w.core),
        () => (flip ? A : B).post("/v1/receivables/rejections", { receivableIds: [c.id], reason: "quantity disputed" }, w.core),
      );
      const round = `round ${i}`;
      expect([rc, rr].filter(won).length, `${round}: exactly one wins (${rc.status}, ${rr.status})`).toBe(1);
      expectRefused(won(rc) ? rr : rc, 409, ["RECEIVABLE.CHANGE_IN_PROGRESS", "RECEIVABLE.INVALID_STATUS"], round);
    });
  });

  it("batch confirmation ∥ cancellation of one of its items: exactly one wins, the other answers 409, the batch is all or nothing", async () => {
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const batch = take("pending", 2);
      const flip = i % 2 === 1;
      const [rc, rx] = await race(
        () => (flip ? B : A).post("/v1/receivables/confirmations", { receivableIds: batch.map((c) => c.id) }, w.core),
        () => (flip ? A : B).post("/v1/receivables/cancellations", { receivableIds: [batch[1].id] }, s4),
      );
      const round = `round ${i}`;
      expect([rc, rx].filter(won).length, `${round}: exactly one wins (${rc.status}, ${rx.status})`).toBe(1);
      expectRefused(won(rc) ? rx : rc, 409, ["RECEIVABLE.CHANGE_IN_PROGRESS", "RECEIVABLE.INVALID_STATUS"], round);
      if (!won(rc)) {
        // nothing of the refused batch was queued: the other item is still pending and free
        const other = (await A.get(`/v1/receivables/${batch[0].id}`, s4)).body;
        expect(other.status, round).toBe("pending");
      }
    });
  });

  it("the same invoice submitted at once by two clerks of the supplier: one stored, the other 409 INVOICE.DUPLICATE", async () => {
    const clerk = await w.api.post(`/v1/organizations/${s1.id}/users`, { email: `clerk-${randomBytes(3).toString("hex")}@s1.example`, name: "Clerk", role: "member" }, s1);
    expect(clerk.status, JSON.stringify(clerk.body)).toBe(201);
    const key2 = await w.api.post("/v1/api-keys", { label: "clerk", userId: clerk.body.id }, s1);
    const second = { key: key2.body.key as string };
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const invoice = invoiceOf(s1, w.core);
      const flip = i % 2 === 1;
      const [r1, r2] = await race(
        () => (flip ? B : A).post("/v1/invoices", invoice, s1),
        () => (flip ? A : B).post("/v1/invoices", invoice, second),
      );
      const round = `round ${i}`;
      expect([r1, r2].filter(won).length, `${round}: exactly one stored (${r1.status}, ${r2.status})`).toBe(1);
      const [winner, loser] = won(r1) ? [r1, r2] : [r2, r1];
      expectRefused(loser, 409, ["INVOICE.DUPLICATE"], round);
      expect(loser.body.existingInvoiceId, round).toBe(winner.body.id);
    });
  });

  it("key revocation ∥ requests with that key: each answers 2xx or 401, and once the revocation has answered no server takes the key", async () => {
    const [user] = (await w.api.get(`/v1/organizations/${s1.id}/users`, { key: w.stack.operatorKey })).body.items;
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const created = await w.api.post("/v1/api-keys", { label: `race ${i}`, userId: user.id }, s1);
      expect(created.status).toBe(201);
      const key = { key: created.body.key as string };
      const invoice = invoiceOf(s1, w.core);
      const flip = i % 2 === 1;
      const [revoked, read, write] = await Promise.all([
        (flip ? B : A).delete(`/v1/api-keys/${created.body.id}`, s1),
        (flip ? A : B).get("/v1/receivables?limit=1", key),
        (flip ? A : B).post("/v1/invoices", invoice, key),
      ]);
      const round = `round ${i}`;
      expect(revoked.status, round).toBe(204);
      for (const r of [read, write]) if (!won(r)) expectRefused(r, 401, ["AUTH.UNAUTHENTICATED"], round);
      // the write happened exactly when it was accepted
      const stored = await w.stack.ds.query(`SELECT id FROM invoices WHERE invoice_number = $1`, [invoice.invoiceNumber]);
      expect(stored.length, `${round}: invoice stored iff the write was accepted (${write.status})`).toBe(won(write) ? 1 : 0);
      for (const api of [A, B]) expectRefused(await api.get("/v1/receivables?limit=1", key), 401, ["AUTH.UNAUTHENTICATED"], `${round}, after the revocation`);
    });
  });

  it("repayment top-ups ∥ the keeper's settlements at maturity: every certificate ends settled, the bank paid first, nothing twice", async () => {
    await w.quiet();
    // the core enterprise authorizes nothing; maturity comes; the keeper finds every certificate unpaid
    const none = await w.api.post("/v1/settlement/repayment-authorization", { amount: "1" }, w.core);
    expect(none.status, JSON.stringify(none.body)).toBe(202);
    await w.mined(none.body.id, w.core.key);
    await hre.network.provider.send("evm_increaseTime", [3 * 86_400]);
    await hre.network.provider.send("evm_mine", []);
    const coverage = (await w.api.get("/v1/settlement/repayment-coverage", w.core)).body;
    const owed = BigInt(coverage.outstanding);
    // top-ups race the keeper's batches: each raises the authorization by a share of what is owed
    for (let i = 1; i <= ROUNDS; i++) {
      const r = await (i % 2 ? A : B).post("/v1/settlement/repayment-authorization", { amount: ((owed * BigInt(i)) / BigInt(ROUNDS)).toString() }, w.core);
      expect(r.status, `top-up ${i}: ${JSON.stringify(r.body)}`).toBe(202);
      await new Promise((res) => setTimeout(res, 40));
    }
    await eventually(async () => (await w.api.get("/v1/settlement/repayment-coverage", w.core)).body.outstanding === "0", 120_000, "every certificate to be paid");
    const ledger = ReceivableLedger__factory.connect(w.stack.deployment.ledger, hre.ethers.provider);
    const cleared = await ledger.queryFilter(ledger.filters.ReceivableCleared(), 0, "latest");
    const byId = new Map<string, bigint>();
    for (const e of cleared) byId.set(e.args.id.toString(), (byId.get(e.args.id.toString()) ?? 0n) + e.args.toBank + e.args.toHolder);
    for (const f of funded) {
      const [financing, request] = await Promise.all([w.api.get(`/v1/financings/${f.financingId}`, f.supplier), w.api.get(`/v1/financing-requests/${f.requestId}`, f.supplier)]);
      const cert = (await w.api.get(`/v1/receivables/${financing.body.receivableId}`, f.supplier)).body;
      expect([financing.body.status, cert.status]).toEqual(["funded", "settled"]);
      expect(byId.get(cert.certificateId), `paid for certificate ${cert.certificateId}`).toBe(BigInt(cert.amount));
      expect(cert.repayment.paidToBank).toBe(financing.body.due);
      expect([request.body.request.status, request.body.request.acceptedQuoteId, request.body.request.financingId]).toEqual(["funded", f.quoteId, f.financingId]);
    }
  });

  it("accept ∥ the offer's expiry: each offer ends accepted or returned to its sender, never both; an acceptance the ledger no longer takes fails with OFFER.EXPIRED", async () => {
    await w.quiet();
    const certs = await w.certificates(s1, ROUNDS, { maturity: await ledgerDate(30) });
    const ids = certs.map((c) => c.id);
    await w.offer(s1, ids, s2);
    const offers = (await A.get("/v1/receivables/offers?limit=500", s2)).body.items.filter((o: { receivableId: string }) => ids.includes(o.receivableId));
    expect(offers).toHaveLength(ROUNDS);
    const expires = new Map<string, number>(offers.map((o: { receivableId: string; expiresAt: string }) => [o.receivableId, Date.parse(o.expiresAt)]));
    const first = Math.min(...expires.values());
    const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    // the ledger's clock 3 seconds short of the first expiry: each acceptance arrives between 3 seconds before its offer expires and
    // 3 seconds after, as the keeper returns what expires
    await travel(Math.floor(first / 1000) - now - 3);
    const replies = await Promise.all(
      ids.map(async (id, i) => {
        await new Promise((r) => setTimeout(r, expires.get(id)! - first + (i * 6000) / ids.length));
        return (i % 2 ? B : A).post("/v1/receivables/acceptances", { receivableIds: [id], agreeToTermBeyond60Days: true }, s2);
      }),
    );
    // a node mining on demand makes no block by itself: mine some, so that the keeper sees the time pass
    await eventually(async () => {
      await hre.network.provider.send("evm_mine", []);
      const left = await w.stack.ds.query(`SELECT count(*)::int AS n FROM receivables WHERE id = ANY($1::uuid[]) AND status = 'offered'`, [ids]);
      return left[0].n === 0;
    }, 60_000, "every offer to be accepted or returned");
    await w.quiet();
    const tally = { accepted: 0, returned: 0 };
    for (const [i, id] of ids.entries()) {
      const round = `offer ${i}`;
      const r = replies[i];
      const view = (await A.get(`/v1/receivables/${id}`, s1)).body;
      let accepted = false;
      if (r.status === 202) {
        const op = await ended(r.body.items[0].operation.id, s2.key);
        if (op.status === "failed") {
          expect(op.error.code, `${round}: ${JSON.stringify(op.error)}`).toBe("OFFER.EXPIRED");
          refusedByLedger.add(String(op.id));
        } else accepted = true;
      } else if (r.status === 404) expectRefused(r, 404, ["RESOURCE.NOT_FOUND"], round); // returned already: no longer offered to s2
      else expectRefused(r, 409, ["OFFER.EXPIRED", "RECEIVABLE.CHANGE_IN_PROGRESS", "RECEIVABLE.INVALID_STATUS"], round);
      expect(view.status, round).toBe("confirmed");
      if (accepted) expect([view.holderId, view.offerReturn], round).toEqual([s2.id, null]);
      else expect([view.holderId, view.offerReturn?.cause], round).toEqual([s1.id, "expired"]);
      tally[accepted ? "accepted" : "returned"]++;
    }
    console.log(`accept ∥ expiry: ${tally.accepted} accepted, ${tally.returned} returned`);
  });

  it("a pause ∥ a confirmation on its way: the confirmation lands or fails cleanly (OBLIGOR.DELINQUENT, or 409 OBLIGOR.PAUSED), never half done; paying resumes the obligor", async () => {
    const tally = { confirmed: 0, failedOnLedger: 0, refused: 0 };
    for (let i = 0; i < Math.min(ROUNDS, 4); i++) {
      const round = `round ${i}`;
      await w.quiet();
      const nothing = await w.api.post("/v1/settlement/repayment-authorization", { amount: "1" }, w.core);
      await w.mined(nothing.body.id, w.core.key);
      const [due] = await w.certificates(s4, 1, { maturity: await ledgerDate(2) });
      const [waiting] = await w.certificates(s4, 1, { pending: true, maturity: await ledgerDate(60) });
      const dueId = (await A.get(`/v1/receivables/${due.id}`, s4)).body.certificateId;
      // maturity and the grace period pass unpaid: the keeper's next run (every 300 ms) pauses the obligor, as the confirmation is sent
      await travel(5 * DAY + 3600);
      await new Promise((res) => setTimeout(res, [0, 250, 500, 1000][i % 4]));
      const r = await (i % 2 ? B : A).post("/v1/receivables/confirmations", { receivableIds: [waiting.id] }, w.core);
      const standing = await eventually(async () => {
        const s = (await A.get(`/v1/obligors/${w.core.id}/standing`, s4)).body;
        return s.paused ? s : null;
      }, 60_000, "the obligor to be paused");
      expect(standing.certificateIds, round).toContain(dueId);
      let confirmed = false;
      if (r.status === 202) {
        const op = await ended(r.body.items[0].operation.id, w.core.key);
        if (op.status === "failed") {
          expect(op.error.code, `${round}: ${JSON.stringify(op.error)}`).toBe("OBLIGOR.DELINQUENT");
          refusedByLedger.add(String(op.id));
          tally.failedOnLedger++;
        } else {
          confirmed = true;
          tally.confirmed++;
        }
      } else {
        expectRefused(r, 409, ["OBLIGOR.PAUSED"], round);
        tally.refused++;
      }
      await w.quiet();
      const view = (await A.get(`/v1/receivables/${waiting.id}`, s4)).body;
      expect(view.status, round).toBe(confirmed ? "confirmed" : "pending");
      if (!confirmed) {
        // nothing half done: it is refused for the pause, not as a change still in progress
        const again = await A.post("/v1/receivables/confirmations", { receivableIds: [waiting.id] }, w.core);
        expectRefused(again, 409, ["OBLIGOR.PAUSED"], round);
      }
      // the obligor pays: the keeper collects, the obligor is resumed and confirms what waits
      const pay = await w.api.post("/v1/settlement/repayment-authorization", { amount: (10n ** 12n).toString() }, w.core);
      await w.mined(pay.body.id, w.core.key);
      await w.statuses(s4, [due.id], "settled");
      await eventually(async () => ((await A.get(`/v1/obligors/${w.core.id}/standing`, s4)).body.paused ? null : true), 60_000, "the obligor to be resumed");
      if (!confirmed) {
        const later = await B.post("/v1/receivables/confirmations", { receivableIds: [waiting.id] }, w.core);
        expect(later.status, `${round}: ${JSON.stringify(later.body)}`).toBe(202);
        await w.statuses(s4, [waiting.id], "confirmed");
      }
    }
    console.log(`pause ∥ confirmation: ${JSON.stringify(tally)}`);
  });

  it("leaves the books exact: every operation mined, no funding failed, the database a re-projection of the chain", async () => {
    await w.quiet();
    // but those the races expected the ledger to refuse, each checked above
    const failed = (await w.stack.ds.query(`SELECT id::text, kind, error_code FROM outbox WHERE status <> 'mined'`)).filter((r: { id: string }) => !refusedByLedger.has(r.id));
    expect(failed).toEqual([]);
    const financings = await w.stack.ds.query(`SELECT status, count(*)::int AS n FROM financings GROUP BY status`);
    expect(financings).toEqual([{ status: "funded", n: funded.length }]);
    const ledger = ReceivableLedger__factory.connect(w.stack.deployment.ledger, hre.ethers.provider);
    const onChain = await ledger.queryFilter(ledger.filters.ReceivableFinanced(), 0, "latest");
    expect(new Set(onChain.map((e) => e.args.id.toString())).size, "each certificate financed once").toBe(onChain.length);
    expect(onChain.length).toBe(funded.length);
    await expectDatabaseEqualsReprojection(w.stack);
  });
});

let serial = 0;
/** A fresh invoice of `seller` to `buyer` (the tax bureau does not know it: verification will refuse it later, which these races do not need). */
function invoiceOf(seller: Party, buyer: Party) {
  const total = 1_130_000n;
  return {
    invoiceNumber: `2650${String(Date.now()).slice(-6)}${String(process.pid % 1000).padStart(3, "0")}${String(serial++).padStart(7, "0")}`,
    sellerTaxId: seller.uscc,
    buyerTaxId: buyer.uscc,
    issueDate: new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10),
    amount: "1000000",
    tax: "130000",
    total: total.toString(),
    currency: "CNY",
  };
}
