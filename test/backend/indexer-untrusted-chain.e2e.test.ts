import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import hre from "hardhat";
import { JsonRpcProvider, NonceManager, Wallet, hexlify, keccak256, toUtf8Bytes } from "ethers";
import { Registry } from "prom-client";
import { Stack, randomUscc, DEPLOYER_KEY } from "./support/stack";
import { eventually, type Api } from "./support/http";
import { Membership__factory, ReceivableLedger__factory, SettlementToken__factory } from "../../typechain-types";
import { Indexer, indexedThrough } from "../../backend/src/indexer/indexer";
import { Projections, perEvent } from "../../backend/src/indexer/projections";
import { QuarantineReader } from "../../backend/src/indexer/quarantine";
import { LedgerGateway, activeDeployment } from "../../backend/src/ledger/gateway";
import { ledgerDomain, FINANCE_TERMS_TYPES, signAttestation } from "../../backend/src/ledger/typed-data";
import { attestedItem } from "../../backend/src/ledger/attestation";
import { createLogger } from "../../backend/src/shared/logger";
import { onboardingProjections } from "../../backend/src/modules/onboarding/onboarding.projections";
import { receivablesProjections } from "../../backend/src/modules/receivables/receivables.projections";
import { financingProjections } from "../../backend/src/modules/financing/financing.projections";
import { settlementProjections } from "../../backend/src/modules/settlement/settlement.projections";
import { webhookProjections } from "../../backend/src/modules/webhooks";
import { createAdapters } from "../../backend/src/modules/invoices";
import { developmentFacts } from "../../backend/src/ops/onboarding-facts";

/**
 * The chain is untrusted input: members that keep their own keys call the contracts directly with
 * the largest values the contracts accept. The indexer projects them (money is numeric(78,0)) and
 * the platform keeps going; an event it cannot project is quarantined, with the events that touch
 * the same things after it, and listed for the operator, while everything else is projected.
 */
const MAX_FACE = (1n << 80n) - 1n; // the contracts' largest face amount
const MAX_LIMIT = (1n << 128n) - 1n; // the largest credit line
const HUGE_MINT = 1n << 127n; // an issuer's outstanding is capped below 2^128, by governance
const HUGE_TRANSFER = 1n << 120n;
/** A face amount whose registration the test's indexer cannot project (a stand-in for any projection bug). */
const POISON = MAX_FACE - 7n;

describe("the indexer and an untrusted chain", () => {
  let stack: Stack;
  let api: Api;
  let indexer: Indexer;
  let gateway: LedgerGateway;
  let provider: JsonRpcProvider;
  const op = () => ({ key: stack.operatorKey });
  /** What the first test made, settled by the last one. */
  let made: { core: Awaited<ReturnType<typeof selfKeyed>>; issuer: Awaited<ReturnType<typeof selfKeyed>>; bank: Awaited<ReturnType<typeof selfKeyed>>; supplier: Awaited<ReturnType<typeof selfKeyed>>; financed: bigint; part: bigint };

  /** An organization that keeps its own ledger key, active on chain, with an API key for reading. */
  const selfKeyed = async (roles: string[]) => {
    const wallet = Wallet.createRandom();
    const created = await api.post("/v1/organizations", { legalName: `Self-keyed ${randomBytes(3).toString("hex")}`, unifiedSocialCreditCode: randomUscc(), roles, ...developmentFacts(roles), ledgerAddress: wallet.address }, op());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await api.post(`/v1/organizations/${id}/kyc-approval`, {}, op())).status).toBe(202);
    await eventually(async () => (await api.get(`/v1/organizations/${id}`, op())).body.status === "active", 30_000, "activation");
    const { key } = await stack.firstAdmin(id);
    await hre.network.provider.send("hardhat_setBalance", [wallet.address, "0x56BC75E2D63100000"]);
    const signer = new NonceManager(wallet.connect(provider));
    return { id, key, wallet, signer, address: wallet.address };
  };
  const opId = () => BigInt(hexlify(randomBytes(16)));
  const receivableRegistered = async (tx: Promise<{ wait(): Promise<unknown> }>) => {
    const receipt = (await (await tx).wait()) as { logs: { topics: string[]; data: string }[]; blockNumber: number };
    const iface = ReceivableLedger__factory.createInterface();
    for (const l of receipt.logs) {
      const parsed = iface.parseLog(l);
      if (parsed && (parsed.name === "ReceivableRegistered" || parsed.name === "ReceivableIssued" || parsed.name === "ReceivableSplit")) {
        return { id: (parsed.args.childId ?? parsed.args.id) as bigint, block: receipt.blockNumber };
      }
    }
    throw new Error("no creation event");
  };
  const caughtUp = async (block: number) => eventually(async () => (await indexedThrough(stack.ds)) >= BigInt(block), 30_000, `the indexer past block ${block}`);
  const certificate = async (k: string, chainId: bigint) =>
    eventually(async () => (await api.get("/v1/receivables?limit=200", { key: k })).body.items.find((r: { certificateId: string }) => r.certificateId === chainId.toString()), 20_000, `certificate ${chainId}`);
  const maturity = () => BigInt(Math.floor(Date.now() / 1000) + 60 * 86_400);
  const item = (counterparty: string, amount: bigint) => ({ counterparty, amount, maturity: maturity(), invoicesRoot: hexlify(randomBytes(32)), invoiceKeys: [hexlify(randomBytes(32))] });
  /**
   * A verifier's attestation of `items` sent by `sender` (the ledger refuses register and issue
   * without one). The platform's verifier signs only verified invoices, whose amounts the API
   * bounds; a member's own verifier (governance appointed one for this test) can attest anything
   * the contract accepts, which is what is under test here.
   */
  const testVerifier = Wallet.createRandom();
  const attest = async (sender: string, issued: boolean, items: ReturnType<typeof item>[]) => {
    const deadline = BigInt((await provider.getBlock("latest"))!.timestamp + 86_400);
    const domain = ledgerDomain((await provider.getNetwork()).chainId, stack.deployment.ledger);
    return { verifier: testVerifier.address, deadline, signature: signAttestation(testVerifier.signingKey, domain, issued, items.map((i) => attestedItem(sender, issued, i)), deadline) };
  };
  const register = async (who: { address: string; signer: NonceManager }, items: ReturnType<typeof item>[]) =>
    ReceivableLedger__factory.connect(stack.deployment.ledger, who.signer).register(items, await attest(who.address, false, items), opId());
  const issue = async (who: { address: string; signer: NonceManager }, items: ReturnType<typeof item>[]) =>
    ReceivableLedger__factory.connect(stack.deployment.ledger, who.signer).issue(items, await attest(who.address, true, items), opId());

  beforeAll(async () => {
    // the platform's processes, except the indexer: the test runs the real projections plus one that fails on POISON
    stack = await Stack.start({ indexer: false });
    api = stack.api;
    provider = new JsonRpcProvider(stack.config.LEDGER_RPC_URL, undefined, { staticNetwork: true, cacheTimeout: -1 });
    gateway = await LedgerGateway.connect(stack.config.LEDGER_RPC_URL);
    const log = createLogger("silent", "test");
    const projections = webhookProjections(
      settlementProjections(financingProjections(receivablesProjections(onboardingProjections(new Projections())), { registry: createAdapters(stack.ds).registry, log })),
      async () => undefined,
    ).on(
      "ReceivableLedger.ReceivableRegistered",
      perEvent(async (_em, e) => {
        if (String(e.args.amount) === POISON.toString()) throw new Error("cannot project this registration");
      }),
      (e) => [`r:${String(e.args.id)}`],
    );
    indexer = new Indexer(stack.ds, gateway, (await activeDeployment(stack.ds, gateway.chainId))!, projections, { finalityDepth: 0, chunkBlocks: 1000, pollMs: 50 }, log);
    void indexer.run();
    const membership = Membership__factory.connect(stack.deployment.membership, new Wallet(DEPLOYER_KEY, provider));
    await (await membership.grantRole(await membership.VERIFIER_ROLE(), testVerifier.address)).wait();
  }, 120_000);
  afterAll(async () => {
    indexer?.stop();
    await new Promise((r) => setTimeout(r, 200));
    gateway?.destroy();
    provider?.destroy();
    await stack?.close();
  });

  it("projects the largest amounts members can make the contracts emit, as strings, and keeps reaching `mined`", async () => {
    const [supplier, core, bank, issuer] = [await selfKeyed(["supplier"]), await selfKeyed(["core_enterprise"]), await selfKeyed(["bank"]), await selfKeyed(["settlement_issuer"])];
    const { ledger: ledgerAddress, settlementToken } = stack.deployment;
    const asSupplier = ReceivableLedger__factory.connect(ledgerAddress, supplier.signer);
    const asBank = ReceivableLedger__factory.connect(ledgerAddress, bank.signer);

    // a registration and an issuance of the largest face amount
    const registered = await receivableRegistered(register(supplier, [item(core.address, MAX_FACE)]));
    const issued = await receivableRegistered(issue(core, [item(supplier.address, MAX_FACE)]));
    const toSplit = await receivableRegistered(issue(core, [item(supplier.address, MAX_FACE)]));
    // the supplier accepts what it is issued (签收): only then may it split or finance it
    await (await asSupplier.accept([issued.id, toSplit.id], opId())).wait();
    // a split of one of them into two huge parts
    const part = await receivableRegistered(asSupplier.split(toSplit.id, [{ to: supplier.address, amount: 1n << 79n }, { to: supplier.address, amount: MAX_FACE - (1n << 79n) }], opId()));
    // the largest credit line, the largest cap governance can give an issuer, a huge mint, transfer and allowance
    await (await asBank.setCreditLine(core.address, MAX_LIMIT, opId())).wait();
    const asGovernance = SettlementToken__factory.connect(settlementToken, new Wallet(DEPLOYER_KEY, provider));
    const issuerOrg = await Membership__factory.connect(stack.deployment.membership, provider).organizationOf(issuer.address);
    await (await asGovernance.setIssuerCap(issuerOrg, MAX_LIMIT)).wait();
    await provider.send("evm_increaseTime", [2 * 86_400]);
    await (await asGovernance.applyIssuerCap(issuerOrg)).wait();
    await (await SettlementToken__factory.connect(settlementToken, issuer.signer).mint(bank.address, HUGE_MINT, opId())).wait();
    const bankToken = SettlementToken__factory.connect(settlementToken, bank.signer);
    await (await bankToken.approve(ledgerAddress, (1n << 256n) - 1n)).wait();
    await (await bankToken.transfer(issuer.address, HUGE_TRANSFER)).wait();
    // a financing of the largest face, on the holder's own signature
    const { chainId } = await provider.getNetwork();
    const terms = { receivableId: issued.id, bank: bank.address, advance: MAX_FACE - 1000n, due: MAX_FACE, recourse: false, agreement: keccak256(toUtf8Bytes("financing agreement")), nonce: opId(), deadline: BigInt(Math.floor(Date.now() / 1000) + 86_400 * 365) };
    const signature = await supplier.wallet.signTypedData(ledgerDomain(chainId, ledgerAddress), FINANCE_TERMS_TYPES, terms);
    const financed = await (await asBank.finance([terms], [signature], opId())).wait();

    await caughtUp(financed!.blockNumber);
    made = { core, issuer, bank, supplier, financed: issued.id, part: part.id };
    const r = await certificate(supplier.key, registered.id);
    expect(r).toMatchObject({ amount: MAX_FACE.toString(), status: "pending" });
    expect(await certificate(supplier.key, issued.id)).toMatchObject({ amount: MAX_FACE.toString(), status: "financed", financing: { due: MAX_FACE.toString() } });
    expect(await certificate(supplier.key, part.id)).toMatchObject({ amount: (1n << 79n).toString(), status: "confirmed" }) // the first part;
    const [line] = (await api.get("/v1/credit-lines", { key: bank.key })).body.items;
    expect(line).toMatchObject({ limit: MAX_LIMIT.toString(), used: MAX_FACE.toString() });
    const balance = (await api.get("/v1/settlement/account", { key: bank.key })).body.balance;
    expect(balance).toBe((HUGE_MINT - HUGE_TRANSFER - (MAX_FACE - 1000n)).toString());
    expect((await api.get("/v1/settlement/movements", { key: issuer.key })).body.items.map((m: { amount: string }) => m.amount)).toContain(HUGE_TRANSFER.toString());

    // nothing was set aside, and the platform's own operations still reach `mined`
    expect((await api.get("/v1/indexer/quarantine", op())).body).toMatchObject({ total: 0, items: [] });
    const late = await stack.onboard(["supplier"]);
    await eventually(async () => (await api.get(`/v1/operations/${late.operationId}`, op())).body.status === "mined", 20_000, "the onboarding to be mined");
  }, 240_000);

  it("quarantines an event it cannot project and those that follow it on the same certificate, and projects everything else", async () => {
    const [supplier, core] = [await selfKeyed(["supplier"]), await selfKeyed(["core_enterprise"])];
    const asSupplier = ReceivableLedger__factory.connect(stack.deployment.ledger, supplier.signer);
    const poisoned = await receivableRegistered(register(supplier, [item(core.address, POISON)]));
    await (await asSupplier.cancel([poisoned.id], opId())).wait(); // touches the same certificate: it must wait with it
    const fine = await receivableRegistered(register(supplier, [item(core.address, 12_345n)]));

    await caughtUp(fine.block);
    expect(await certificate(supplier.key, fine.id)).toMatchObject({ amount: "12345", status: "pending" });
    const late = await stack.onboard(["bank"]);
    await eventually(async () => (await api.get(`/v1/operations/${late.operationId}`, op())).body.status === "mined", 20_000, "the onboarding to be mined");

    const listed = (await api.get("/v1/indexer/quarantine", op())).body;
    expect(listed.total).toBe(2);
    const [first, second] = listed.items;
    expect(first).toMatchObject({ contract: "ReceivableLedger", name: "ReceivableRegistered", error: "cannot project this registration", afterEventId: null });
    expect(first.args).toMatchObject({ id: poisoned.id.toString(), amount: POISON.toString() });
    expect(second).toMatchObject({ name: "ReceivableCancelled", afterEventId: first.chainEventId });
    // the operator and auditors read it; nobody else
    expect((await api.get("/v1/indexer/quarantine", { key: supplier.key })).status).toBe(403);
    // and /metrics counts it
    const metrics = new QuarantineReader(stack.ds).metrics({ registry: new Registry() });
    expect(await metrics.registry.metrics()).toMatch(/indexer_quarantined_events(\{[^}]*\})? 2/);
  }, 240_000);

  it("projects the settlement of the largest certificates at maturity: payments, clearing history and the line's release", async () => {
    const { core, issuer, bank, supplier, financed, part } = made;
    const { ledger: ledgerAddress, settlementToken } = stack.deployment;
    await (await SettlementToken__factory.connect(settlementToken, issuer.signer).mint(core.address, 1n << 100n, opId())).wait();
    await (await SettlementToken__factory.connect(settlementToken, core.signer).approve(ledgerAddress, (1n << 256n) - 1n)).wait();
    await hre.network.provider.send("evm_increaseTime", [61 * 86_400]);
    await hre.network.provider.send("evm_mine", []);
    const settled = await (await ReceivableLedger__factory.connect(ledgerAddress, core.signer).settle([financed, part], opId())).wait();
    await caughtUp(settled!.blockNumber);
    const paid = await certificate(supplier.key, financed);
    expect(paid).toMatchObject({ status: "settled" });
    const history = (await api.get(`/v1/receivables/${paid.id}/clearing`, { key: bank.key })).body.items;
    expect(history).toEqual([expect.objectContaining({ kind: "cleared", toBank: MAX_FACE.toString(), toHolder: "0", outstanding: "0" })]);
    const partView = await certificate(supplier.key, part);
    expect((await api.get(`/v1/receivables/${partView.id}/clearing`, { key: supplier.key })).body.items).toEqual([expect.objectContaining({ toHolder: (1n << 79n).toString() })]);
    const [line] = (await api.get("/v1/credit-lines", { key: bank.key })).body.items;
    expect(line).toMatchObject({ limit: MAX_LIMIT.toString(), used: "0" });
    expect((await api.get("/v1/indexer/quarantine", op())).body.items.every((q: { name: string }) => q.name !== "ReceivableCleared")).toBe(true);
  }, 240_000);
});
