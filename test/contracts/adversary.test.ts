import { describe, it, expect } from "vitest";
import { Wallet, ZeroAddress, keccak256, AbiCoder } from "ethers";
import {
  world, nextOp, expectRevert, input, confirmed, signConfirm, signTerms, register, attest, attested, now, freshInvoice,
  YUAN, DAY, VERIFIER, type World, confirmItems,
} from "./fixtures";
import { invoiceKey } from "../../backend/src/ledger/invoice-key";
import { ReceivableStatus as S } from "../../backend/src/ledger/roles";

/**
 * A member that keeps its own ledger key calls the contracts directly, with hostile arguments
 * (issue 15): everything the platform would have checked, the contracts must refuse themselves.
 */
describe("direct-ledger adversaries", () => {
  describe("no zero address where a member is expected (defect 10)", () => {
    it("refuses issue to address(0): no Confirmed certificate without a holder", async () => {
      const w = await world();
      const item = await input({ counterparty: ZeroAddress });
      await expectRevert(w.ledger.connect(w.core1).issue(...(await attested(w.ledger, w.core1, true, [item])), nextOp()), "MemberInactive", [ZeroAddress]);
      // nor behind a first item with a real counterparty, nor as the first of a batch
      const good = await input({ counterparty: w.supplierA.address });
      await expectRevert(w.ledger.connect(w.core1).issue(...(await attested(w.ledger, w.core1, true, [good, await input({ counterparty: ZeroAddress })])), nextOp()), "MemberInactive", [ZeroAddress]);
      await expectRevert(w.ledger.connect(w.core1).issue(...(await attested(w.ledger, w.core1, true, [await input({ counterparty: ZeroAddress }), good])), nextOp()), "MemberInactive", [ZeroAddress]);
    });

    it("refuses register against address(0): no Pending certificate that nobody can reject", async () => {
      const w = await world();
      await expectRevert(w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, [await input({ counterparty: ZeroAddress })])), nextOp()), "MemberInactive", [ZeroAddress]);
      const good = await input({ counterparty: w.core1.address });
      await expectRevert(w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, [good, await input({ counterparty: ZeroAddress })])), nextOp()), "MemberInactive", [ZeroAddress]);
    });

    it("refuses address(0) as a split part's holder, a transfer's recipient, a credit line's obligor, a bank or a confirming obligor", async () => {
      const w = await world();
      const id = await confirmed(w);
      await expectRevert(
        w.ledger.connect(w.supplierA).split(id, [{ to: ZeroAddress, amount: 500_000n * YUAN }, { to: w.supplierA.address, amount: 500_000n * YUAN }], nextOp()),
        "MemberInactive",
        [ZeroAddress],
      );
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(ZeroAddress, id, nextOp()), "MemberInactive", [ZeroAddress]);
      await expectRevert(w.ledger.connect(w.bankA).setCreditLine(ZeroAddress, 1n, nextOp()), "MemberInactive", [ZeroAddress]);
      const { terms, signature } = await signTerms(w, w.supplierA, { receivableId: id, bank: ZeroAddress });
      await expectRevert(w.ledger.connect(w.bankA).finance([terms], [signature], nextOp()), "FinancingNotBank", [id, ZeroAddress, w.bankA.address]);
      const [pending] = await register(w, w.supplierA, w.core1.address);
      const sig = await signConfirm(w, w.core1, [pending]);
      await expectRevert(w.ledger.connect(w.relayer).confirmBySig(await confirmItems(w.ledger, [pending]), ZeroAddress, sig.nonce, sig.deadline, sig.signature, nextOp()), "SignatureInvalid", [ZeroAddress]);
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Confirmed));
    });
  });

  describe("no certificate without a verifier's attestation of exactly its facts (defect 2)", () => {
    const SELLER_A = "91500000MA5U000001";
    /** supplierA's real invoice, as the verifier attested it, and the register call it allows. */
    const attestedRegistration = async (w: World) => {
      const number = `ATT-${Math.random().toString(36).slice(2)}`;
      const key = invoiceKey(SELLER_A, number);
      const item = { counterparty: w.core1.address, amount: 1_000_000n * YUAN, maturity: (await now()) + 90n * DAY, invoicesRoot: keccak256(key), invoiceKeys: [key] };
      return { item, number, attestation: await attest(w.ledger, w.supplierA, false, [item]) };
    };

    it("registers with the verifier's attestation, and refuses a call without a valid one", async () => {
      const w = await world();
      const { item, attestation } = await attestedRegistration(w);
      const register = (a: typeof attestation, items = [item], from = w.supplierA) => w.ledger.connect(from).register(items, a, nextOp());
      // a signer that is no verifier (a member signing for itself, a forged verifier field)
      const self = await attest(w.ledger, w.supplierA, false, [item], { verifier: new Wallet(keccak256("0x01")) });
      await expectRevert(register(self), "AttestationNotVerifier", [self.verifier]);
      await expectRevert(register({ ...attestation, verifier: w.supplierA.address }), "AttestationNotVerifier", [w.supplierA.address]);
      // the verifier's address with someone else's signature
      const forged = await attest(w.ledger, w.supplierA, false, [item], { verifier: Wallet.createRandom(), signerAs: VERIFIER.address });
      await expectRevert(register(forged), "AttestationInvalid", [VERIFIER.address]);
      await expectRevert(register({ ...attestation, signature: "0x" }), "AttestationInvalid", [VERIFIER.address]);
      // expired, or a deadline stretched after signing
      const t = await now();
      const old = await attest(w.ledger, w.supplierA, false, [item], { deadline: t - 1n });
      await expectRevert(register(old), "AttestationExpired");
      await expectRevert(register({ ...attestation, deadline: BigInt(attestation.deadline) + 1n }), "AttestationInvalid", [VERIFIER.address]);
      // replayed on another chain or ledger
      const foreignChain = await attest(w.ledger, w.supplierA, false, [item], { chainId: w.chainId + 1n });
      await expectRevert(register(foreignChain), "AttestationInvalid", [VERIFIER.address]);
      const foreignLedger = await attest(w.ledger, w.supplierA, false, [item], { contract: w.token.target as string });
      await expectRevert(register(foreignLedger), "AttestationInvalid", [VERIFIER.address]);
      // and the real one works
      await register(attestation);
      expect(await w.ledger.receivableOfInvoice(item.invoiceKeys[0])).toBe(await w.ledger.lastReceivableId());
    });

    it("refuses every change to the attested facts: amount, maturity, keys (a lower-case USCC), root, obligor, creditor, role, batch", async () => {
      const w = await world();
      const { item, number, attestation } = await attestedRegistration(w);
      const register = (items: (typeof item)[], from = w.supplierA, a = attestation) => w.ledger.connect(from).register(items, a, nextOp());
      const invalid = [VERIFIER.address];
      await expectRevert(register([{ ...item, amount: item.amount * 50n }]), "AttestationInvalid", invalid);
      await expectRevert(register([{ ...item, amount: (1n << 80n) - 1n }]), "AttestationInvalid", invalid);
      await expectRevert(register([{ ...item, maturity: item.maturity + 1n }]), "AttestationInvalid", invalid);
      const lowerCase = keccak256(AbiCoder.defaultAbiCoder().encode(["string", "string"], [SELLER_A.toLowerCase(), number]));
      expect(lowerCase).not.toBe(item.invoiceKeys[0]);
      await expectRevert(register([{ ...item, invoiceKeys: [lowerCase] }]), "AttestationInvalid", invalid);
      await expectRevert(register([{ ...item, invoiceKeys: [freshInvoice().key] }]), "AttestationInvalid", invalid);
      await expectRevert(register([{ ...item, invoicesRoot: keccak256("0x02") }]), "AttestationInvalid", invalid);
      await expectRevert(register([{ ...item, counterparty: w.core2.address }]), "AttestationInvalid", invalid);
      // another supplier replays supplierA's attestation: it names supplierA as creditor
      await expectRevert(register([item], w.supplierB), "AttestationInvalid", invalid);
      // the obligor turns the creditor's registration into an issue (Confirmed without confirming)
      await expectRevert(w.ledger.connect(w.core1).issue([{ ...item, counterparty: w.supplierA.address }], attestation, nextOp()), "AttestationInvalid", invalid);
      // a batch of two attested items cut to one, or padded with an unattested one
      const second = { ...item, invoiceKeys: [freshInvoice(SELLER_A).key] };
      const both = await attest(w.ledger, w.supplierA, false, [item, second]);
      await expectRevert(register([item], w.supplierA, both), "AttestationInvalid", invalid);
      await expectRevert(register([item, second, { ...second, invoiceKeys: [freshInvoice().key] }], w.supplierA, both), "AttestationInvalid", invalid);
      await register([item, second], w.supplierA, both);
    });

    it("lets only governance appoint a verifier, and a revoked verifier's attestations stop working", async () => {
      const w = await world();
      const role = await w.membership.VERIFIER_ROLE();
      const rogue = Wallet.createRandom();
      // read before the calls: an await between a call and expectRevert leaves its rejection unhandled for a moment
      const admin = await w.membership.DEFAULT_ADMIN_ROLE();
      await expectRevert(w.membership.connect(w.operator).grantRole(role, rogue.address), "AccessControlUnauthorizedAccount", [w.operator.address, admin]);
      await expectRevert(w.membership.connect(w.supplierA).grantRole(role, w.supplierA.address), "AccessControlUnauthorizedAccount", [w.supplierA.address, admin]);
      expect(await w.membership.isVerifier(rogue.address)).toBe(false);
      const { item, attestation } = await attestedRegistration(w);
      await w.membership.connect(w.admin).revokeRole(role, VERIFIER.address);
      await expectRevert(w.ledger.connect(w.supplierA).register([item], attestation, nextOp()), "AttestationNotVerifier", [VERIFIER.address]);
      await w.membership.connect(w.admin).grantRole(role, VERIFIER.address);
      await w.ledger.connect(w.supplierA).register([item], attestation, nextOp());
    });

    it("holds for issue as for register: a core enterprise cannot issue on made-up keys", async () => {
      const w = await world();
      const made = await input({ counterparty: w.supplierA.address });
      const self = await attest(w.ledger, w.core1, true, [made], { verifier: Wallet.createRandom() });
      await expectRevert(w.ledger.connect(w.core1).issue([made], self, nextOp()), "AttestationNotVerifier", [self.verifier]);
      const real = await attest(w.ledger, w.core1, true, [made]);
      await expectRevert(w.ledger.connect(w.core1).issue([{ ...made, amount: BigInt(made.amount) * 2n }], real, nextOp()), "AttestationInvalid", [VERIFIER.address]);
      await expectRevert(w.ledger.connect(w.core2).issue([made], real, nextOp()), "AttestationInvalid", [VERIFIER.address]);
      await w.ledger.connect(w.core1).issue(...(await attested(w.ledger, w.core1, true, [made])), nextOp());
    });
  });

  describe("a confirmation confirms facts, not ids (defect 9)", () => {
    /** supplierA's certificate the obligor means to confirm, and supplierB's look-alike for 50 times the amount. */
    const twoPending = async (w: World) => {
      const [honest] = await register(w, w.supplierA, w.core1.address, [{ amount: 1_000_000n * YUAN }]);
      const [squat] = await register(w, w.supplierB, w.core1.address, [{ amount: 50_000_000n * YUAN }]);
      const [facts] = await confirmItems(w.ledger, [honest]);
      return { honest, squat, facts };
    };

    it("refuses a direct confirmation whose facts are not the certificate's: the obligor's intent cannot be moved to another id", async () => {
      const w = await world();
      const { honest, squat, facts } = await twoPending(w);
      // the platform (or a confused client) sends the honest certificate's facts under the squatter's id
      await expectRevert(w.ledger.connect(w.core1).confirm([{ ...facts, id: squat }], nextOp()), "ConfirmationMismatch", [squat]);
      for (const change of [{ creditor: w.supplierB.address }, { amount: BigInt(facts.amount) * 50n }, { maturity: BigInt(facts.maturity) + 1n }, { invoicesRoot: keccak256("0x03") }]) {
        await expectRevert(w.ledger.connect(w.core1).confirm([{ ...facts, ...change }], nextOp()), "ConfirmationMismatch", [honest]);
      }
      // a batch is all or nothing
      const [squatFacts] = await confirmItems(w.ledger, [squat]);
      await expectRevert(w.ledger.connect(w.core1).confirm([facts, { ...squatFacts, amount: 1n }], nextOp()), "ConfirmationMismatch", [squat]);
      expect((await w.ledger.receivable(honest)).status).toBe(BigInt(S.Pending));
      await w.ledger.connect(w.core1).confirm([facts], nextOp());
      expect((await w.ledger.receivable(honest)).status).toBe(BigInt(S.Confirmed));
      expect((await w.ledger.receivable(squat)).status).toBe(BigInt(S.Pending));
    });

    it("refuses a signed confirmation moved to another certificate, altered, replayed, or signed by someone else", async () => {
      const w = await world();
      const { honest, squat, facts } = await twoPending(w);
      const sig = await signConfirm(w, w.core1, [honest]);
      const relay = (items: typeof sig.items, s = sig, obligor = w.core1.address) => w.ledger.connect(w.relayer).confirmBySig(items, obligor, s.nonce, s.deadline, s.signature, nextOp());
      // the signature names the honest certificate's facts: under the squatter's id they do not match the record...
      await expectRevert(relay([{ ...facts, id: squat }]), "SignatureInvalid", [w.core1.address]);
      // ...and with the squatter's facts they are not what was signed
      await expectRevert(relay(await confirmItems(w.ledger, [squat])), "SignatureInvalid", [w.core1.address]);
      await expectRevert(relay([{ ...facts, amount: BigInt(facts.amount) + 1n }]), "SignatureInvalid", [w.core1.address]);
      // another core enterprise's signature, or one for another ledger, is not the obligor's
      const foreign = await signConfirm(w, w.core2, [honest]);
      await expectRevert(relay(foreign.items, foreign), "SignatureInvalid", [w.core1.address]);
      await expectRevert(relay(foreign.items, foreign, w.core2.address), "ReceivableNotObligor", [honest, w.core2.address]);
      const elsewhere = await signConfirm(w, w.core1, [honest], { contract: w.token.target as string });
      await expectRevert(relay(elsewhere.items, elsewhere), "SignatureInvalid", [w.core1.address]);
      await relay(sig.items);
      // replayed: the nonce is spent
      await expectRevert(relay(sig.items), "SignatureNonceUsed", [w.core1.address, sig.nonce]);
      expect((await w.ledger.receivable(squat)).status).toBe(BigInt(S.Pending));
    });

    it("a signature over facts a certificate does not have confirms nothing, even when the signer is its obligor", async () => {
      const w = await world();
      const { squat } = await twoPending(w);
      const [squatFacts] = await confirmItems(w.ledger, [squat]);
      // the obligor signed what it believed (a smaller amount); the record says otherwise
      const believed = { ...squatFacts, amount: 1_000_000n * YUAN };
      const sig = await signConfirm(w, w.core1, [squat], { items: [believed] });
      await expectRevert(w.ledger.connect(w.relayer).confirmBySig([believed], w.core1.address, sig.nonce, sig.deadline, sig.signature, nextOp()), "ConfirmationMismatch", [squat]);
    });
  });

  describe("hostile ids, parties and amounts on the other lifecycle calls", () => {
    it("refuses cancel by a non-holder, reject and confirm by a non-obligor, and ids that do not exist", async () => {
      const w = await world();
      const [id] = await register(w, w.supplierA, w.core1.address);
      const huge = (1n << 256n) - 1n;
      await expectRevert(w.ledger.connect(w.supplierB).cancel([id], nextOp()), "ReceivableNotHolder", [id, w.supplierB.address]);
      await expectRevert(w.ledger.connect(w.core1).cancel([id], nextOp()), "ReceivableNotHolder", [id, w.core1.address]);
      await expectRevert(w.ledger.connect(w.core2).reject([id], keccak256("0x04"), nextOp()), "ReceivableNotObligor", [id, w.core2.address]);
      await expectRevert(w.ledger.connect(w.supplierA).reject([id], keccak256("0x04"), nextOp()), "MemberRoleMissing", [w.supplierA.address, 1]);
      await expectRevert(w.ledger.connect(w.core2).confirm(await confirmItems(w.ledger, [id]), nextOp()), "ReceivableNotObligor", [id, w.core2.address]);
      await expectRevert(w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, [huge]), nextOp()), "ReceivableNotFound", [huge]);
      await expectRevert(w.ledger.connect(w.supplierA).cancel([0n], nextOp()), "ReceivableNotFound", [0n]);
      await expectRevert(w.ledger.connect(w.core1).reject([huge], keccak256("0x04"), nextOp()), "ReceivableNotFound", [huge]);
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Pending));
    });

    it("refuses extreme amounts and dates even with an attestation", async () => {
      const w = await world();
      const t = await now();
      const reg = async (amount: bigint, maturity: bigint) => {
        const item = await input({ counterparty: w.core1.address, amount, maturity });
        return w.ledger.connect(w.supplierA).register([item], await attest(w.ledger, w.supplierA, false, [item]), nextOp());
      };
      await expectRevert(reg(1n << 80n, t + 30n * DAY), "ReceivableAmountOutOfRange", [1n << 80n]);
      await expectRevert(reg((1n << 256n) - 1n, t + 30n * DAY), "ReceivableAmountOutOfRange", [(1n << 256n) - 1n]);
      await expectRevert(reg(0n, t + 30n * DAY), "ReceivableAmountOutOfRange", [0n]);
      await expectRevert(reg(1n, 0n), "ReceivableMaturityInPast");
      await expectRevert(reg(1n, (1n << 256n) - 1n), "ReceivableTenorTooLong");
      await expectRevert(reg(1n, 1n << 40n), "ReceivableTenorTooLong");
    });
  });
});
