import { randomBytes } from "node:crypto";
import { describe, it, expect } from "vitest";
import hre from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { OPERATIONS } from "../../backend/src/ledger/outbox/operations";
import type { LedgerDeploymentRow } from "../../backend/src/ledger/ledger.entity";
import { DAY, YUAN, DEFAULT_PARAMS, VERIFIER, confirmed, freshInvoice, nextOp, now, orgId, register, signConfirm, signTerms, time, world, type World, confirmItems } from "./fixtures";
import { ledgerDomain, signAttestation, type AttestedReceivable } from "../../backend/src/ledger/typed-data";

/**
 * The outbox signs every transaction with its kind's gas budget instead of estimating it
 * (operations.ts). Each kind here is sent at its largest (the most items a transaction may carry,
 * the most invoice keys, parts or accounts an item may have), and the gas it needs must fit the
 * budget: a budget too small fails here, not as a reverted transaction in production.
 */
const BLOCK_GAS_LIMIT = 30_000_000n; // Hardhat's default, and the Besu genesis in ops/besu

describe("gas budgets of the outbox's operations", () => {
  const needs: Record<string, { gas: bigint; budget: bigint }> = {};

  async function fits(w: World, kind: string, from: HardhatEthersSigner, payloads: object[]) {
    const op = OPERATIONS.get(kind)!;
    const deployment = { membership: await w.membership.getAddress(), ledger: await w.ledger.getAddress(), settlementToken: await w.token.getAddress() } as LedgerDeploymentRow;
    // register and issue carry the verifier's attestation, signed as the submitter signs it
    const deadline = (await now()) + DAY;
    const domain = ledgerDomain(w.chainId, deployment.ledger);
    const ctx = { sender: from.address, attest: (issued: boolean, items: AttestedReceivable[]) => ({ verifier: VERIFIER.address, deadline: deadline.toString(), signature: signAttestation(VERIFIER.signingKey, domain, issued, items, deadline) }) };
    const call = op.encode(payloads as never[], nextOp(), deployment, ctx);
    const gas = await hre.ethers.provider.estimateGas({ from: from.address, to: call.to, data: call.data });
    const budget = op.gas(payloads as never[]);
    const items = payloads.reduce((n: number, p) => n + op.itemCount(p as never), 0);
    const label = `${kind}, ${items} item${items === 1 ? "" : "s"}${kind.endsWith("register") && items === 1 ? " of 50 invoices" : ""}`;
    needs[label] = { gas, budget };
    expect(gas, `${label}: needs ${gas} gas, budget ${budget}`).toBeLessThanOrEqual(budget);
    expect(budget, `${label}: budget above the block gas limit`).toBeLessThanOrEqual(BLOCK_GAS_LIMIT);
    return call;
  }

  const item = async (counterparty: string, keys = 1) => {
    const invoices = Array.from({ length: keys }, () => freshInvoice());
    return { counterparty, amount: (1_000_000n * YUAN).toString(), maturity: ((await now()) + 90n * DAY).toString(), invoicesRoot: invoices[0].root, invoiceKeys: invoices.map((i) => i.key) };
  };
  const pending = async (w: World, n: number) => {
    const ids: bigint[] = [];
    for (let i = 0; i < n; i += 50) ids.push(...(await register(w, w.supplierA, w.core1.address, Array.from({ length: Math.min(50, n - i) }, () => ({})))));
    return ids;
  };

  /** A signature nonce as the platform draws them (random 128 bits: a fresh bitmap word nearly every time). */
  const randomNonce = () => BigInt("0x" + randomBytes(16).toString("hex"));
  /** A financing as the outbox stores it: the holder's signed terms, amounts as strings. */
  const financePayload = async (w: World, holder: HardhatEthersSigner, bank: HardhatEthersSigner, receivableId: bigint, recourse = false) => {
    const { terms, signature } = await signTerms(w, holder, { receivableId, bank: bank.address, recourse, nonce: randomNonce() });
    return { terms: Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v])), signature };
  };

  it("registers and issues: 50 receivables of one invoice, and one of 50 invoices; a first one of a new supplier", async () => {
    const w = await world();
    await w.supplierC.sendTransaction(await fits(w, "ledger.register", w.supplierC, [{ items: [await item(w.core2.address)] }]));
    await fits(w, "ledger.register", w.supplierA, [{ items: await Promise.all(Array.from({ length: 50 }, () => item(w.core1.address))) }]);
    await fits(w, "ledger.register", w.supplierA, [{ items: [await item(w.core1.address, 50)] }]);
    await fits(w, "ledger.issue", w.core1, [{ items: await Promise.all(Array.from({ length: 50 }, () => item(w.supplierA.address))) }]);
  });

  it("confirms, confirms by signature, rejects and cancels 200 receivables", async () => {
    const w = await world();
    const ids = await pending(w, 200);
    const strings = ids.map(String);
    // as the platform stores them: each certificate's facts, numbers as strings
    const items = (await confirmItems(w.ledger, ids)).map((i) => ({ id: String(i.id), creditor: String(i.creditor), amount: String(i.amount), maturity: String(i.maturity), invoicesRoot: String(i.invoicesRoot) }));
    await fits(w, "ledger.confirm", w.core1, [{ items }]);
    await fits(w, "ledger.reject", w.core1, [{ ids: strings, reason: orgId("wrong goods") }]);
    await fits(w, "ledger.cancel", w.supplierA, [{ ids: strings }]);
    const sig = await signConfirm(w, w.core1, ids, { nonce: randomNonce() });
    await fits(w, "ledger.confirmBySig", w.relayer, [{ items, obligor: w.core1.address, nonce: sig.nonce.toString(), deadline: sig.deadline.toString(), signature: sig.signature }]);
  });

  it("splits into 20 parts, transfers, sets a credit line", async () => {
    const w = await world();
    const id = await confirmed(w);
    const parts = Array.from({ length: 20 }, (_, i) => ({ to: [w.supplierB, w.supplierC][i % 2].address, amount: (50_000n * YUAN).toString() }));
    await fits(w, "ledger.split", w.supplierA, [{ id: id.toString(), parts }]);
    await fits(w, "ledger.transfer", w.supplierA, [{ id: id.toString(), to: w.supplierB.address }]);
    await fits(w, "ledger.setCreditLine", w.bankA, [{ obligor: w.core2.address, limit: "1000000000" }]);
  });

  // Acceptance (签收 / 拒签): the kinds the outbox uses to accept, refuse and expire offers, where it
  // has them. Accepting a transfer is the dearest acceptance (each writes its first ERC-721 owner).
  const OFFER_KINDS = ["ledger.accept", "ledger.returnOffers", "ledger.expireOffers"].filter((k) => OPERATIONS.has(k as never));
  it.skipIf(OFFER_KINDS.length === 0)("accepts, refuses and returns 200 offers of transfers", async () => {
    const w = await world();
    const ids = await pending(w, 200);
    await w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, ids), nextOp());
    for (const id of ids) await w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, nextOp());
    const strings = ids.map(String);
    if (OFFER_KINDS.includes("ledger.accept")) await fits(w, "ledger.accept", w.supplierB, [{ ids: strings }]);
    if (OFFER_KINDS.includes("ledger.returnOffers")) await fits(w, "ledger.returnOffers", w.supplierB, [{ ids: strings, reason: orgId("wrong goods") }]);
    await time.increase(BigInt(DEFAULT_PARAMS.acceptancePeriod));
    if (OFFER_KINDS.includes("ledger.expireOffers")) await fits(w, "ledger.expireOffers", w.relayer, [{ ids: strings }]);
  });

  it("records 200 documents: certificates by the holder of transferred ones (read through ownerOf), notices by the obligor", async () => {
    const w = await world();
    const ids = await pending(w, 200);
    await w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, ids.slice(0, 100)), nextOp());
    await w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, ids.slice(100)), nextOp());
    for (const id of ids) await w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, nextOp());
    await w.ledger.connect(w.supplierB).accept(ids, nextOp());
    // as the platform stores them: one row per signed document, fingerprints as 0x hex
    const items = (kind: 1 | 2) => ids.map((id) => ({ id: id.toString(), kind, fingerprint: "0x" + randomBytes(32).toString("hex") }));
    await fits(w, "ledger.recordDocuments", w.core1, [{ items: items(2).slice(0, 1) }]);
    await fits(w, "ledger.recordDocuments", w.core1, [{ items: items(2) }]);
    await fits(w, "ledger.recordDocuments", w.supplierB, [{ items: items(1) }]); // the dearest, reported last
  });

  it("finances one certificate, a bank's first", async () => {
    const w = await world();
    const id = await confirmed(w, w.supplierB, w.core2);
    await fits(w, "ledger.finance", w.bankB, [await financePayload(w, w.supplierB, w.bankB, id)]);
  });

  it("finances 50, settles 100 (paid in full, in part and not at all), declares 100 defaults and claims 100 recourses", async () => {
    const w = await world();
    const ids = await pending(w, 100);
    for (let i = 0; i < 100; i += 50) await w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, ids.slice(i, i + 50)), nextOp());
    const finance = (batch: bigint[], recourse: boolean) => Promise.all(batch.map((id) => financePayload(w, w.supplierA, w.bankA, id, recourse)));
    const first = await finance(ids.slice(0, 50), true);
    const call = await fits(w, "ledger.finance", w.bankA, first);
    await w.bankA.sendTransaction(call);
    const second = await finance(ids.slice(50), true);
    await w.bankA.sendTransaction(await fits(w, "ledger.finance", w.bankA, second));

    await time.increase(91n * DAY + BigInt(DEFAULT_PARAMS.gracePeriod));
    const ledger = await w.ledger.getAddress();
    // the obligor can pay about half: some in full, one in part, the rest not at all (the dearest mix of paths)
    await w.token.connect(w.core1).approve(ledger, 50n * 1_000_000n * YUAN + 300_000n * YUAN);
    const settle = await fits(w, "ledger.settle", w.relayer, [{ ids: ids.map(String) }]);
    await w.relayer.sendTransaction(settle);

    await time.increase(BigInt(DEFAULT_PARAMS.defaultPeriod));
    const overdue = [];
    for (const id of ids) if ((await w.ledger.receivable(id)).status === 6n /* Overdue */) overdue.push(id);
    expect(overdue.length).toBeGreaterThan(40);
    await w.bankA.sendTransaction(await fits(w, "ledger.declareDefault", w.bankA, [{ ids: overdue.map(String) }]));
    await w.token.connect(w.supplierA).approve(ledger, 10n ** 30n);
    await fits(w, "ledger.claimRecourse", w.bankA, [{ ids: overdue.map(String) }]);
  });

  it("registers an organization with 5 accounts, suspends and reinstates it; mints, burns, approves", async () => {
    const w = await world();
    const accounts = w.spare.slice(0, 5).map((s) => s.address);
    await w.operator.sendTransaction(await fits(w, "membership.registerOrganization", w.operator, [{ orgId: orgId("new"), roles: 2, accounts }]));
    await w.operator.sendTransaction(await fits(w, "membership.suspend", w.operator, [{ orgId: orgId("new"), reason: orgId("kyc expired") }]));
    await fits(w, "membership.reinstate", w.operator, [{ orgId: orgId("new") }]);
    await fits(w, "token.mint", w.issuer, [{ account: w.supplierA.address, amount: "100000" }]);
    await w.token.connect(w.supplierA).approve(w.issuer.address, 100_000n);
    await fits(w, "token.burn", w.issuer, [{ account: w.supplierA.address, amount: "100000" }]);
    await fits(w, "token.approveLedger", w.supplierA, [{ spender: "ledger", amount: "1000" }]);
    await fits(w, "token.approve", w.supplierA, [{ spender: w.issuer.address, amount: "1000" }]);
  });

  it("covers every kind the outbox knows", () => {
    const covered = new Set(Object.keys(needs).map((k) => k.split(",")[0]));
    expect([...OPERATIONS.keys()].filter((k) => !covered.has(k))).toEqual([]);
    console.log(
      "gas needed / budget:\n" +
        Object.entries(needs)
          .map(([k, v]) => `  ${k}: ${v.gas} / ${v.budget} (${((Number(v.gas) / Number(v.budget)) * 100).toFixed(0)}%)`)
          .join("\n"),
    );
  });
});
