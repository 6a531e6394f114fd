import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import { Wallet } from "ethers";
import { ReceivableLedger__factory } from "../../typechain-types";
import { revertDataOf, decodeRevert } from "../../backend/src/ledger/revert-decoder";
import { DEPLOYER_KEY, Stack } from "./support/stack";
import { LedgerGateway } from "../../backend/src/ledger/gateway";
import { resumeObligor } from "../../backend/src/ops/resume-obligor";
import { eventually, type Api } from "./support/http";
import { loadSeeds, type SeededOrganization } from "../../backend/src/ops/seed";

/**
 * The Ganzhou furniture chain, whose core enterprise keeps its own ledger key: confirmation by its
 * EIP-712 signature, cancellation and transfer by suppliers (accepted by the receiver, 签收: an
 * own-key receiver on the ledger itself), a withdrawal from a settlement
 * account, and a financing with recourse that the core enterprise does not pay: Overdue, then
 * Defaulted by the bank after the default period, then recovered from the supplier; the core
 * enterprise meanwhile paused as a delinquent obligor until governance resumes it.
 */
const YUAN = 100n;
const CORE = "91360703MA0U2517GT"; // Nankang Carpenter Home Furnishing
const SUPPLIER = "91360722MA5W0G0MWT"; // Ganzhou Baifu Solid Wood Furniture
const OTHER = "91360703MA5NQ33UEJ"; // Ganzhou Xinyuan Upholstered Furniture

describe("business flows with an obligor that keeps its own key", () => {
  let stack: Stack;
  let api: Api;
  let orgs: Map<string, SeededOrganization>;
  const coreWallet = Wallet.createRandom();
  const key = (uscc: string) => ({ key: orgs.get(uscc)!.key });
  const idOf = (uscc: string) => orgs.get(uscc)!.id;
  const banks = () => [...orgs.values()].filter((o) => o.roles.includes("bank"));
  const issuer = () => [...orgs.values()].find((o) => o.roles.includes("settlement_issuer"))!;
  const mined = (id: string, k: string) =>
    eventually(async () => {
      const r = await api.get(`/v1/operations/${id}`, { key: k });
      if (r.body.status === "failed") throw new Error(`operation ${id}: ${JSON.stringify(r.body.error)}`);
      return r.body.status === "mined";
    }, 30_000, `operation ${id}`);
  const status = (id: string, k: string, want: string) =>
    eventually(async () => {
      const r = (await api.get(`/v1/receivables/${id}`, { key: k })).body;
      if (r.status === want) return true;
      if (r.status === "failed") throw new Error(`${id} failed: ${JSON.stringify(r)}`);
      return null;
    }, 30_000, `${id} → ${want}`);
  /** A maturity `days` ahead on the ledger's clock (the tests move it ahead of this machine's), as a Beijing date. */
  const maturity = async (days: number) => {
    const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp * 1000;
    return new Date(now + days * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
  };
  const register = async (n: number, days = 40) => {
    const due = await maturity(days);
    const invoices = (await api.get("/v1/invoices?status=verified&limit=100", key(SUPPLIER))).body.items.filter((i: { receivableId: string | null }) => !i.receivableId);
    const r = await api.post("/v1/receivables", { items: invoices.slice(0, n).map((i: { id: string }) => ({ obligorId: idOf(CORE), invoiceIds: [i.id], maturityDate: due })) }, key(SUPPLIER));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const ids: string[] = r.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
    for (const id of ids) await status(id, key(SUPPLIER).key, "pending");
    return ids;
  };

  /** `n` new certificates of SUPPLIER, confirmed by the obligor's own signature. */
  const confirmedBy = async (n: number) => {
    const ids = await register(n);
    const typed = (await api.get(`/v1/receivables/confirmations/typed-data?ids=${ids.join(",")}`, key(CORE))).body;
    const signature = await coreWallet.signTypedData({ ...typed.domain, chainId: BigInt(typed.domain.chainId) }, typed.types, typed.message);
    const ok = await api.post("/v1/receivables/confirmations", { receivableIds: ids, signature: { nonce: typed.message.nonce, deadline: typed.message.deadline, signature } }, key(CORE));
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    for (const id of ids) await status(id, key(CORE).key, "confirmed");
    return ids;
  };

  beforeAll(async () => {
    stack = await Stack.start({ env: { KEEPER_INTERVAL_MS: "300", KEEPER_RETRY_MS: "500" } });
    api = stack.api;
    // the core enterprise is onboarded with its own address before the seed loader finds it by its code
    const op = { key: stack.operatorKey };
    const created = await api.post("/v1/organizations", { legalName: "南康木匠家居集团有限公司", unifiedSocialCreditCode: CORE, roles: ["core_enterprise"], enterpriseSize: "large", ledgerAddress: coreWallet.address }, op);
    expect(created.status).toBe(201);
    expect(created.body.keyCustody).toBe("external");
    await api.post(`/v1/organizations/${created.body.id}/kyc-approval`, {}, op);
    const seeded = await loadSeeds({
      baseUrl: api.baseUrl,
      operatorKey: stack.operatorKey,
      subset: { scenarios: ["gz-furniture"], suppliers: [SUPPLIER, OTHER], invoices: (i) => !i.expected, invoicesPerSupplier: 8 },
      waitForVerificationMs: 60_000,
      activeTimeoutMs: 60_000,
    });
    orgs = new Map(seeded.organizations.map((o) => [o.uscc, o]));
    expect(orgs.get(CORE)!.id).toBe(created.body.id);
  }, 240_000);
  afterAll(async () => stack?.close());

  it("confirms with the obligor's own EIP-712 signature, and refuses a custodial confirmation for it", async () => {
    const ids = await register(2);
    const custodial = await api.post("/v1/receivables/confirmations", { receivableIds: ids }, key(CORE));
    expect(custodial.status).toBe(409);
    expect(custodial.body.code).toBe("ORGANIZATION.OWN_KEY");

    const typed = (await api.get(`/v1/receivables/confirmations/typed-data?ids=${ids.join(",")}`, key(CORE))).body;
    const domain = { ...typed.domain, chainId: BigInt(typed.domain.chainId) };
    const forged = await Wallet.createRandom().signTypedData(domain, typed.types, typed.message);
    const wrong = await api.post("/v1/receivables/confirmations", { receivableIds: ids, signature: { nonce: typed.message.nonce, deadline: typed.message.deadline, signature: forged } }, key(CORE));
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe("SIGNATURE.WRONG_SIGNER");

    const signature = await coreWallet.signTypedData(domain, typed.types, typed.message);
    const ok = await api.post("/v1/receivables/confirmations", { receivableIds: ids, signature: { nonce: typed.message.nonce, deadline: typed.message.deadline, signature } }, key(CORE));
    expect(ok.status).toBe(202);
    for (const id of ids) await status(id, key(CORE).key, "confirmed");
  });

  it("treats its confirmation as done when someone else submitted the obligor's signature first", async () => {
    const [id] = await register(1);
    const typed = (await api.get(`/v1/receivables/confirmations/typed-data?ids=${id}`, key(CORE))).body;
    const domain = { ...typed.domain, chainId: BigInt(typed.domain.chainId) };
    const signature = await coreWallet.signTypedData(domain, typed.types, typed.message);
    // anyone may relay a signed confirmation: another relayer gets the same signature onto the ledger first
    const relayer = Wallet.createRandom().connect(hre.ethers.provider);
    await hre.network.provider.send("hardhat_setBalance", [relayer.address, "0x56BC75E2D63100000"]);
    const ledger = ReceivableLedger__factory.connect(typed.domain.verifyingContract, relayer);
    const { items, nonce, deadline } = typed.message;
    await (await ledger.confirmBySig(items, coreWallet.address, nonce, deadline, signature, 1n)).wait();
    const sent = await api.post("/v1/receivables/confirmations", { receivableIds: [id], signature: { nonce, deadline, signature } }, key(CORE));
    expect(sent.status).toBe(202);
    const operation = sent.body.items[0].operation.id as string;
    const settled = await eventually(async () => {
      const s = (await api.get(`/v1/operations/${operation}`, key(CORE))).body.status;
      return s === "mined" || s === "failed" ? s : null;
    }, 30_000, "the platform's confirmation to end");
    expect(settled).toBe("mined");
    await status(id, key(CORE).key, "confirmed");
  });

  it("lets a supplier cancel a pending receivable and transfer a confirmed one", async () => {
    const [pending] = await register(1);
    expect((await api.post("/v1/receivables/cancellations", { receivableIds: [pending] }, key(SUPPLIER))).status).toBe(202);
    await status(pending, key(SUPPLIER).key, "cancelled");

    const [confirmed] = (await api.get("/v1/receivables?status=confirmed", key(SUPPLIER))).body.items;
    const moved = await api.post(`/v1/receivables/${confirmed.id}/transfers`, { organizationId: idOf(OTHER) }, key(SUPPLIER));
    expect(moved.status).toBe(202);
    // the receiver accepts it (签收): then it is theirs
    await status(confirmed.id, key(OTHER).key, "offered");
    expect((await api.post("/v1/receivables/acceptances", { receivableIds: [confirmed.id], agreeToTermBeyond60Days: true }, key(OTHER))).status).toBe(202);
    await eventually(async () => ((await api.get(`/v1/receivables/${confirmed.id}`, key(OTHER))).body.holderId === idOf(OTHER) ? true : null), 20_000, "the transfer");
    expect((await api.get(`/v1/receivables/${confirmed.id}`, key(SUPPLIER))).body.creditorId).toBe(idOf(SUPPLIER)); // still visible to its first holder
  });

  it("pays out a withdrawal: the member's approval first, then the issuer's burn", async () => {
    const bank = banks()[0];
    const balance = async () => BigInt((await api.get("/v1/settlement/account", { key: bank.key })).body.balance);
    const start = await balance();
    const deposit = await api.post("/v1/settlement/deposits", { organizationId: bank.id, amount: (1_000_000n * YUAN).toString() }, { key: issuer().key });
    await mined(deposit.body.id, issuer().key);
    const before = await eventually(async () => ((await balance()) === start + 1_000_000n * YUAN ? start + 1_000_000n * YUAN : null), 20_000, "the deposit");
    // without a payout account on file the withdrawal is refused, saying what to do
    const refused = await api.post("/v1/settlement/withdrawals", { amount: (250_000n * YUAN).toString() }, { key: bank.key });
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body).toMatchObject({ code: "SETTLEMENT.NO_PAYOUT_ACCOUNT" });
    expect(refused.body.detail).toMatch(/payout bank account on file/);
    const set = await api.post("/v1/settlement/payout-account", { bankName: "中国工商银行", branch: "重庆两江支行", accountName: "渝州银行股份有限公司", accountNumber: "3100 0210 0920 0123 456" }, { key: bank.key });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.account).toMatchObject({ accountNumber: "3100021009200123456", masked: false });
    const w = await api.post("/v1/settlement/withdrawals", { amount: (250_000n * YUAN).toString() }, { key: bank.key });
    expect(w.status).toBe(202);
    const to = { bankName: "中国工商银行", branch: "重庆两江支行", accountName: "渝州银行股份有限公司", accountNumberMasked: "****3456" };
    expect(w.body.payoutAccount).toEqual(to);
    await mined(w.body.id, bank.key);
    await eventually(async () => BigInt((await api.get("/v1/settlement/account", { key: bank.key })).body.balance) === before - 250_000n * YUAN, 20_000, "the withdrawal");
    const movements = (await api.get("/v1/settlement/movements", { key: bank.key })).body.items;
    expect(movements[0]).toMatchObject({ kind: "withdrawal", purpose: "withdrawal", amount: (250_000n * YUAN).toString(), payoutAccount: to });
    // a later change of account does not rewrite where the past withdrawal went
    await api.post("/v1/settlement/payout-account", { bankName: "中国银行", accountName: "渝州银行股份有限公司", accountNumber: "6216610200001234" }, { key: bank.key });
    expect((await api.get("/v1/settlement/movements", { key: bank.key })).body.items[0].payoutAccount).toEqual(to);
    const tooMuch = await api.post("/v1/settlement/withdrawals", { amount: (10n ** 15n).toString() }, { key: bank.key });
    expect(tooMuch.status).toBe(422);
  });

  it("finances with recourse; the unpaid certificate goes overdue, the bank declares default and recovers from the supplier", async () => {
    const bank = banks()[0];
    const deposit = await api.post("/v1/settlement/deposits", { organizationId: bank.id, amount: (5_000_000_000n * YUAN).toString() }, { key: issuer().key });
    await mined(deposit.body.id, issuer().key);
    const line = await api.post("/v1/credit-lines", { obligorId: idOf(CORE), limit: (100_000_000n * YUAN).toString() }, { key: bank.key });
    await mined(line.body.operation.id, bank.key);
    const cert = (await api.get("/v1/receivables?status=confirmed", key(OTHER))).body.items[0];
    const req = await api.post("/v1/financing-requests", { receivableId: cert.id }, key(OTHER));
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const quote = await api.post(
      `/v1/financing-requests/${req.body.id}/quotes`,
      { advanceRateBp: 9000, annualRateBp: 500, dayCount: 360, fee: "0", recourse: true, validUntil: new Date(Date.now() + 3600_000).toISOString() },
      { key: bank.key },
    );
    expect(quote.status, JSON.stringify(quote.body)).toBe(201);
    const financing = await api.post(`/v1/quotes/${quote.body.id}/acceptance`, {}, key(OTHER));
    expect(financing.status, JSON.stringify(financing.body)).toBe(202);
    await eventually(async () => {
      const f = (await api.get(`/v1/financings/${financing.body.id}`, key(OTHER))).body;
      if (f.status === "funded") return true;
      const op = f.operationId ? (await api.get(`/v1/operations/${f.operationId}`, key(OTHER))).body : null;
      throw new Error(`financing ${f.status} ${JSON.stringify(f.failure)}; operation ${JSON.stringify(op)}`);
    }, 30_000, "funding");

    // the supplier authorizes recourse; the core enterprise (own key) never authorized repayment
    await mined((await api.post("/v1/settlement/repayment-authorization", { amount: (10n ** 15n).toString() }, key(OTHER))).body.id, key(OTHER).key);
    await hre.network.provider.send("evm_increaseTime", [45 * 86_400]);
    await hre.network.provider.send("evm_mine", []);
    await status(cert.id, key(OTHER).key, "overdue");
    const early = await api.post("/v1/receivables/defaults", { receivableIds: [cert.id] }, { key: bank.key });
    expect(early.status).toBe(202); // accepted; the ledger refuses it: the default period is still running
    const refused = await eventually(async () => {
      const op = (await api.get(`/v1/operations/${early.body.id}`, { key: bank.key })).body;
      return op.status === "failed" ? op : null;
    }, 30_000, "the early default to be refused");
    expect(refused.error.code).toBe("CLEARING.DEFAULT_PERIOD_RUNNING");
    expect((await api.post("/v1/receivables/defaults", { receivableIds: [cert.id] }, key(OTHER))).status).toBe(403); // the holder of a financed certificate is not its creditor

    await hre.network.provider.send("evm_increaseTime", [31 * 86_400]);
    await hre.network.provider.send("evm_mine", []);
    await mined((await api.post("/v1/receivables/defaults", { receivableIds: [cert.id] }, { key: bank.key })).body.id, bank.key);
    await status(cert.id, bank.key, "defaulted");
    const before = BigInt((await api.get("/v1/settlement/account", { key: bank.key })).body.balance);
    const sellerHas = BigInt((await api.get("/v1/settlement/account", key(OTHER))).body.balance);
    await mined((await api.post("/v1/receivables/recourse-claims", { receivableIds: [cert.id] }, { key: bank.key })).body.id, bank.key);
    const after = await eventually(async () => {
      const b = BigInt((await api.get("/v1/settlement/account", { key: bank.key })).body.balance);
      return b > before ? b : null;
    }, 20_000, "the recovery");
    // the bank recovers what it is owed, as far as the supplier can pay (it holds only its advance)
    const due = BigInt((await api.get(`/v1/financings/${financing.body.id}`, { key: bank.key })).body.due);
    const expected = due < sellerHas ? due : sellerHas;
    expect(after - before).toBe(expected);
    expect((await api.get(`/v1/receivables/${cert.id}`, { key: bank.key })).body.repayment.recovered).toBe(expected.toString());
    const history = (await api.get(`/v1/receivables/${cert.id}/clearing`, { key: bank.key })).body.items.map((h: { kind: string }) => h.kind);
    expect(history).toEqual(expect.arrayContaining(["defaulted", "recourse"]));
    // the supplier's account names each movement as the business it was: the bank's advance for this certificate, then its recourse repayment
    const seller = orgs.get(OTHER)!;
    const moves = (await api.get("/v1/settlement/movements", key(OTHER))).body.items as { purpose: string; counterparty: { id: string; name: string } | null; certificateIds: string[]; amount: string }[];
    const funded = (await api.get(`/v1/financings/${financing.body.id}`, key(OTHER))).body;
    expect(moves.find((m) => m.purpose === "financing_advance" && m.certificateIds.includes(cert.certificateId))).toMatchObject({ counterparty: { id: bank.id, name: bank.name }, amount: funded.advance });
    expect(moves.find((m) => m.purpose === "recourse")).toMatchObject({ counterparty: { id: bank.id, name: bank.name }, certificateIds: [cert.certificateId], amount: expected.toString() });
    expect(moves.filter((m) => m.counterparty?.id === seller.id)).toEqual([]); // never itself

    // the core enterprise (which never authorized repayment) is paused as a delinquent obligor (802号令): it may not confirm, not even with its own key
    const paused = (await api.get(`/v1/obligors/${idOf(CORE)}/standing`, key(OTHER))).body;
    expect(paused).toMatchObject({ paused: true, certificateIds: expect.arrayContaining([cert.certificateId]) });
    expect(paused.delinquencies).toBe(paused.certificateIds.length);
    const [waiting] = await register(1, 150);
    const typed = await api.get(`/v1/receivables/confirmations/typed-data?ids=${waiting}`, key(CORE));
    expect([typed.status, typed.body.code, typed.body.certificateIds]).toEqual([409, "OBLIGOR.PAUSED", paused.certificateIds]);
    // its certificate defaulted and will not be paid: governance resumes it on a restructuring agreed with its creditors
    const gateway = await LedgerGateway.connect(stack.config.LEDGER_RPC_URL);
    try {
      await resumeObligor(stack.ds, gateway, DEPLOYER_KEY, idOf(CORE), "restructuring plan approved by the creditors");
    } finally {
      gateway.destroy();
    }
    const resumed = await eventually(async () => {
      const s = (await api.get(`/v1/obligors/${idOf(CORE)}/standing`, key(OTHER))).body;
      return s.paused ? null : s;
    }, 20_000, "governance to resume the obligor");
    expect(resumed.resumedReason).toBe("restructuring plan approved by the creditors");
    expect((await api.get(`/v1/receivables/confirmations/typed-data?ids=${waiting}`, key(CORE))).status).toBe(200);
  });

  it("sets and checks a confirmation's deadline on the ledger's clock, which runs ahead of this machine's", async () => {
    // the ledger's clock is 76 days ahead after the financing test: a deadline an hour from the wall clock has long passed there
    const [id] = await register(1, 150);
    const typed = (await api.get(`/v1/receivables/confirmations/typed-data?ids=${id}`, key(CORE))).body;
    const chainNow = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    expect(BigInt(typed.message.deadline)).toBeGreaterThan(chainNow);
    const domain = { ...typed.domain, chainId: BigInt(typed.domain.chainId) };
    const stale = { ...typed.message, deadline: String(Math.floor(Date.now() / 1000) + 3600) }; // fine by the wall clock, past on the ledger
    const refused = await api.post("/v1/receivables/confirmations", { receivableIds: [id], signature: { nonce: stale.nonce, deadline: stale.deadline, signature: await coreWallet.signTypedData(domain, typed.types, stale) } }, key(CORE));
    expect([refused.status, refused.body.code]).toEqual([422, "SIGNATURE.EXPIRED"]);
    const signature = await coreWallet.signTypedData(domain, typed.types, typed.message);
    const ok = await api.post("/v1/receivables/confirmations", { receivableIds: [id], signature: { nonce: typed.message.nonce, deadline: typed.message.deadline, signature } }, key(CORE));
    expect(ok.status).toBe(202);
    await status(id, key(CORE).key, "confirmed");
  });

  // last: the certificate it issues on chain does not attach its invoice on the platform
  it("fails a funding whose own-key holder revoked its signature first, reopens the request, and funds a new signature (defect 12)", async () => {
    // a supplier keeping its own ledger key, given a confirmed certificate by another supplier
    const wallet = Wallet.createRandom().connect(hre.ethers.provider);
    const holder = await stack.onboard(["supplier"], "赣州自持密钥家具配件有限公司", { ledgerAddress: wallet.address });
    const own = { key: holder.key };
    const cert = { id: (await confirmedBy(1))[0] };
    expect((await api.post(`/v1/receivables/${cert.id}/transfers`, { organizationId: holder.orgId }, key(SUPPLIER))).status).toBe(202);
    // a receiver that keeps its own key accepts (签收) on the ledger itself: the platform answers it so
    const offered = await eventually(async () => {
      const r = (await api.get(`/v1/receivables/${cert.id}`, own)).body;
      return r.status === "offered" ? r : null;
    }, 20_000, "the offer");
    const viaPlatform = await api.post("/v1/receivables/acceptances", { receivableIds: [cert.id], agreeToTermBeyond60Days: true }, own);
    expect([viaPlatform.status, viaPlatform.body.code]).toEqual([409, "ORGANIZATION.OWN_KEY"]);
    expect(viaPlatform.body.detail).toMatch(/accept\(ids, opId\)/);
    await hre.network.provider.send("hardhat_setBalance", [wallet.address, "0x56BC75E2D63100000"]);
    const ownLedger = ReceivableLedger__factory.connect(stack.deployment.ledger, wallet);
    await (await ownLedger.accept([BigInt(offered.certificateId)], 1n)).wait();
    await eventually(async () => ((await api.get(`/v1/receivables/${cert.id}`, own)).body.holderId === holder.orgId ? true : null), 20_000, "the transfer");

    const bank = banks()[1] ?? banks()[0];
    await mined((await api.post("/v1/settlement/deposits", { organizationId: bank.id, amount: (100_000_000n * YUAN).toString() }, { key: issuer().key })).body.id, issuer().key);
    await mined((await api.post("/v1/credit-lines", { obligorId: idOf(CORE), limit: (50_000_000n * YUAN).toString() }, { key: bank.key })).body.operation.id, bank.key);
    const req = await api.post("/v1/financing-requests", { receivableId: cert.id }, own);
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const quote = await api.post(
      `/v1/financing-requests/${req.body.id}/quotes`,
      { advanceRateBp: 9000, annualRateBp: 500, dayCount: 360, fee: "0", recourse: false, validUntil: new Date(Date.now() + 3600_000).toISOString() },
      { key: bank.key },
    );
    expect(quote.status, JSON.stringify(quote.body)).toBe(201);
    const sign = async (quoteId: string) => {
      const typed = (await api.get(`/v1/quotes/${quoteId}/terms`, own)).body;
      const signature = await wallet.signTypedData({ ...typed.domain, chainId: BigInt(typed.domain.chainId) }, typed.types, typed.message);
      return { nonce: typed.message.nonce as string, deadline: typed.message.deadline as string, signature, ledger: typed.domain.verifyingContract as string };
    };

    // the holder signs, then revokes the signature on the ledger itself before the bank's batch is mined
    const revoked = await sign(quote.body.id);
    const nonce = BigInt(revoked.nonce);
    const ledger = ReceivableLedger__factory.connect(revoked.ledger, wallet);
    await (await ledger.invalidateNonces(nonce >> 8n, 1n << (nonce & 0xffn), { gasPrice: 0 })).wait();
    const accepted = await api.post(`/v1/quotes/${quote.body.id}/acceptance`, { signature: { nonce: revoked.nonce, deadline: revoked.deadline, signature: revoked.signature } }, own);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    const failed = await eventually(async () => {
      const f = (await api.get(`/v1/financings/${accepted.body.id}`, own)).body;
      return f.status === "failed" ? f : f.status === "funded" ? Promise.reject(new Error("funded on a revoked signature")) : null;
    }, 30_000, "the skipped funding to fail");
    // the bank's transaction was mined (nothing for anyone else in its batch was lost); this item was skipped
    expect((await api.get(`/v1/operations/${failed.operationId}`, { key: bank.key })).body.status).toBe("mined");
    expect(failed.failure.code).toBe("SIGNATURE.NONCE_USED");
    expect((await api.get(`/v1/financings/${accepted.body.id}`, { key: bank.key })).body.failure.code).toBe("SIGNATURE.NONCE_USED"); // both parties read why
    expect((await api.get(`/v1/financing-requests/${req.body.id}`, own)).body.request.status).toBe("open");
    expect((await api.get(`/v1/receivables/${cert.id}`, own)).body.status).toBe("confirmed");

    // the request is open again: a new signature on a new quote is funded
    const again = await api.post(
      `/v1/financing-requests/${req.body.id}/quotes`,
      { advanceRateBp: 9000, annualRateBp: 500, dayCount: 360, fee: "0", recourse: false, validUntil: new Date(Date.now() + 3600_000).toISOString() },
      { key: bank.key },
    );
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    const fresh = await sign(again.body.id);
    const second = await api.post(`/v1/quotes/${again.body.id}/acceptance`, { signature: { nonce: fresh.nonce, deadline: fresh.deadline, signature: fresh.signature } }, own);
    expect(second.status, JSON.stringify(second.body)).toBe(202);
    await eventually(async () => ((await api.get(`/v1/financings/${second.body.id}`, own)).body.status === "funded" ? true : null), 30_000, "the second funding");
  });

  it("issues with its own key on the platform verifier's attestation of its supplier's verified invoices, and nothing else", async () => {
    const invoices = (await api.get("/v1/invoices?status=verified&limit=100", key(SUPPLIER))).body.items.filter((i: { receivableId: string | null }) => !i.receivableId);
    const invoice = invoices[0];
    const ask = (body: unknown, k = key(CORE)) => api.post("/v1/receivables/attestations", body, k);
    // the ledger's clock is 76 days ahead after the financing test: a maturity beyond it
    const item = { counterpartyId: idOf(SUPPLIER), invoiceIds: [invoice.id], maturityDate: await maturity(150) };

    // who may ask, and for what
    expect((await ask({ mode: "register", items: [{ ...item, counterpartyId: idOf(CORE) }] })).status).toBe(403); // not a supplier
    const notTheSeller = await ask({ mode: "register", items: [{ ...item, counterpartyId: idOf(CORE) }] }, key(OTHER));
    expect(notTheSeller.status).toBe(404); // another supplier's invoice is as absent as a random id
    const otherSellers = await ask({ mode: "issue", items: [{ ...item, counterpartyId: idOf(OTHER) }] });
    expect(otherSellers.status).toBe(404); // the invoice is not the named creditor's
    expect((await ask({ mode: "issue", items: [{ ...item, invoiceIds: [] }] })).status).toBe(422);

    const r = await ask({ mode: "issue", items: [item] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.items[0]).toMatchObject({ amount: invoice.total, invoiceKeys: [invoice.invoiceKey] });
    await hre.network.provider.send("hardhat_setBalance", [coreWallet.address, "0x56BC75E2D63100000"]);
    const ledger = ReceivableLedger__factory.connect(r.body.ledger, coreWallet.connect(hre.ethers.provider));
    const items = r.body.items.map((i: { counterparty: string; amount: string; maturity: string; invoicesRoot: string; invoiceKeys: string[] }) => ({ ...i, amount: BigInt(i.amount), maturity: BigInt(i.maturity) }));
    const attestation = { ...r.body.attestation, deadline: BigInt(r.body.attestation.deadline) };
    // what it signs for is what the ledger takes: a larger amount is refused
    const inflated = await ledger.issue.staticCall([{ ...items[0], amount: items[0].amount * 50n }], attestation, 1n).then(() => null, (e) => decodeRevert(revertDataOf(e)));
    expect(inflated?.name).toBe("AttestationInvalid");
    await (await ledger.issue(items, attestation, 1n)).wait();
    const certificateId = (await ledger.lastReceivableId()).toString();
    const issued = await eventually(async () => {
      const list = (await api.get("/v1/receivables/offers", key(SUPPLIER))).body.items;
      return list.find((o: { certificateId: string }) => o.certificateId === certificateId) ?? null;
    }, 30_000, "the issued certificate to be offered to its supplier");
    expect(issued).toMatchObject({ kind: "issue", from: { id: idOf(CORE) }, obligor: { id: idOf(CORE), paused: false } });
    expect((await api.post("/v1/receivables/acceptances", { receivableIds: [issued.receivableId], agreeToTermBeyond60Days: true }, key(SUPPLIER))).status).toBe(202);
    await status(issued.receivableId, key(SUPPLIER).key, "confirmed");
    const cert = (await api.get(`/v1/receivables/${issued.receivableId}`, key(SUPPLIER))).body;
    expect(cert).toMatchObject({ origin: "issued", creditorId: idOf(SUPPLIER), obligorId: idOf(CORE), amount: invoice.total });
    // the invoice backs it on the platform too: shown with the certificate, and no longer offered for another
    const backing = (await api.get(`/v1/receivables/${cert.id}/invoices`, key(SUPPLIER))).body;
    expect(JSON.stringify(backing)).toContain(invoice.id);
    const free = (await api.get("/v1/invoices?status=verified&limit=100", key(SUPPLIER))).body.items.filter((i: { receivableId: string | null }) => !i.receivableId);
    expect(free.map((i: { id: string }) => i.id)).not.toContain(invoice.id);
  });
});
