import { describe, it, expect } from "vitest";
import hre from "hardhat";
import { Signature, ZeroHash } from "ethers";
import {
  world, nextOp, orgId, expectRevert, register, confirmed, signConfirm, signTerms, now, time, nextNonce, DAY, YUAN,
  type World, confirmItems, expectSkipped, eventsOf, fingerprint,
} from "./fixtures";
import { ContractWallet__factory } from "../../typechain-types";
import { MemberRole, ReceivableStatus as S } from "../../backend/src/ledger/roles";

/** secp256k1 group order: s' = n - s with v flipped is the same signature, malleated. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
function malleate(sig: string): string {
  const s = Signature.from(sig);
  const highS = SECP256K1_N - BigInt(s.s);
  return hre.ethers.concat([s.r, hre.ethers.toBeHex(highS, 32), s.v === 27 ? "0x1c" : "0x1b"]);
}

async function pending(w: World, n = 1) {
  return register(w, w.supplierA, w.core1.address, Array.from({ length: n }, () => ({})));
}

const relayConfirm = async (w: World, ids: bigint[], sig: { nonce: bigint; deadline: bigint; signature: string }, obligor = w.core1.address) =>
  w.ledger.connect(w.relayer).confirmBySig(await confirmItems(w.ledger, ids), obligor, sig.nonce, sig.deadline, sig.signature, nextOp());

describe("EIP-712 signed intents", () => {
  describe("ConfirmReceivables", () => {
    it("lets any relayer, holding no role, submit the obligor's signed batch confirmation", async () => {
      const w = await world();
      const ids = await pending(w, 3);
      const sig = await signConfirm(w, w.core1, ids);
      await relayConfirm(w, ids, sig);
      for (const id of ids) expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Confirmed));
      expect(await w.ledger.nonceUsed(w.core1.address, sig.nonce)).toBe(true);
    });

    it("rejects each forgery and replay without changing state", async () => {
      const w = await world();
      const [id, other] = await pending(w, 2);
      const cases: [string, () => Promise<unknown>, string][] = [
        ["expired deadline", async () => relayConfirm(w, [id], await signConfirm(w, w.core1, [id], { deadline: (await now()) - 1n })), "SignatureExpired"],
        ["other chain id", async () => relayConfirm(w, [id], await signConfirm(w, w.core1, [id], { chainId: 1n })), "SignatureInvalid"],
        ["other contract", async () => relayConfirm(w, [id], await signConfirm(w, w.core1, [id], { contract: await w.token.getAddress() })), "SignatureInvalid"],
        ["wrong signer", async () => relayConfirm(w, [id], await signConfirm(w, w.core2, [id])), "SignatureInvalid"],
        ["ids added after signing", async () => relayConfirm(w, [id, other], await signConfirm(w, w.core1, [id])), "SignatureInvalid"],
        ["malleated signature", async () => {
          const sig = await signConfirm(w, w.core1, [id]);
          return relayConfirm(w, [id], { ...sig, signature: malleate(sig.signature) });
        }, "SignatureInvalid"],
        ["truncated signature", async () => {
          const sig = await signConfirm(w, w.core1, [id]);
          return relayConfirm(w, [id], { ...sig, signature: sig.signature.slice(0, 100) });
        }, "SignatureInvalid"],
      ];
      for (const [label, attempt, error] of cases) {
        const got = await expectRevert(attempt(), error).then(() => "ok", (e) => `${label}: ${e}`);
        expect(got).toBe("ok");
      }
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Pending));
    });

    it("spends the nonce once: a replay, even of a valid signature, is rejected", async () => {
      const w = await world();
      const [a] = await pending(w);
      const sig = await signConfirm(w, w.core1, [a]);
      await relayConfirm(w, [a], sig);
      await expectRevert(relayConfirm(w, [a], sig), "SignatureNonceUsed", [w.core1.address, sig.nonce]);
      // reusing the nonce for other ids fails the same way
      const [b] = await pending(w);
      await expectRevert(relayConfirm(w, [b], await signConfirm(w, w.core1, [b], { nonce: sig.nonce })), "SignatureNonceUsed", [w.core1.address, sig.nonce]);
      expect((await w.ledger.receivable(b)).status).toBe(BigInt(S.Pending));
    });

    it("lets a signer revoke a signature before anyone uses it", async () => {
      const w = await world();
      const [id] = await pending(w);
      const sig = await signConfirm(w, w.core1, [id]);
      await w.ledger.connect(w.core1).invalidateNonces(sig.nonce >> 8n, 1n << (sig.nonce & 0xffn));
      await expectRevert(relayConfirm(w, [id], sig), "SignatureNonceUsed", [w.core1.address, sig.nonce]);
    });

    it("requires the signer to be the obligor of every id and an active core enterprise", async () => {
      const w = await world();
      const [mine] = await pending(w);
      const [theirs] = await register(w, w.supplierA, w.core2.address);
      await expectRevert(relayConfirm(w, [mine, theirs], await signConfirm(w, w.core1, [mine, theirs])), "ReceivableNotObligor", [theirs, w.core1.address]);
      const sig = await signConfirm(w, w.core1, [mine]);
      await w.membership.connect(w.operator).suspend(orgId("core1"), orgId("investigation"), nextOp());
      await expectRevert(relayConfirm(w, [mine], sig), "MemberInactive", [w.core1.address]);
    });

    it("accepts a contract signer (ERC-1271 wallet) and rejects its signature when the owner did not sign", async () => {
      const w = await world();
      const [owner, stranger] = w.spare;
      const wallet = await new ContractWallet__factory(owner).deploy(owner.address);
      const walletAddress = await wallet.getAddress();
      await w.membership.connect(w.operator).registerOrganization(orgId("multisig core"), MemberRole.CoreEnterprise, [walletAddress], nextOp());
      const [id] = await register(w, w.supplierA, walletAddress);
      const byStranger = await signConfirm(w, stranger, [id]);
      await expectRevert(relayConfirm(w, [id], byStranger, walletAddress), "SignatureInvalid", [walletAddress]);
      await relayConfirm(w, [id], await signConfirm(w, owner, [id]), walletAddress);
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Confirmed));
    });
  });

  describe("FinanceTerms", () => {
    it("binds every term: a bank cannot change advance, due, recourse, the agreement or the certificate after the holder signed", async () => {
      const w = await world();
      const id = await confirmed(w);
      const other = await confirmed(w);
      const { terms, signature } = await signTerms(w, w.supplierA, { receivableId: id, bank: w.bankA.address });
      const tampered = [
        { ...terms, advance: terms.advance + 1n },
        { ...terms, due: terms.due + YUAN },
        { ...terms, recourse: true },
        // the financing agreement: a bank cannot fund on the holder's signature and point at another document
        { ...terms, agreement: fingerprint("another financing agreement") },
        { ...terms, agreement: ZeroHash },
        { ...terms, receivableId: other },
        { ...terms, deadline: terms.deadline + DAY },
      ];
      for (const t of tampered) {
        // not the holder's signature over these terms: skipped, nothing funded
        await expectSkipped(w, w.ledger.connect(w.bankA).finance([t], [signature], nextOp()), [[t.receivableId, "SignatureInvalid"]]);
      }
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Confirmed));
      expect(await w.ledger.nonceUsed(w.supplierA.address, terms.nonce)).toBe(false);
      const balance = await w.token.balanceOf(w.supplierA.address);
      await w.ledger.connect(w.bankA).finance([terms], [signature], nextOp());
      expect(await w.token.balanceOf(w.supplierA.address)).toBe(balance + terms.advance);
    });

    it("skips terms signed for another chain or contract, expired, malleated or replayed", async () => {
      const w = await world();
      const id = await confirmed(w);
      const t = { receivableId: id, bank: w.bankA.address };
      const fin = (s: { terms: unknown; signature: string }) => w.ledger.connect(w.bankA).finance([s.terms as never], [s.signature], nextOp());
      // each is skipped (the rest of a batch would be funded), and nothing of it applies
      await expectSkipped(w, fin(await signTerms(w, w.supplierA, t, { chainId: 5n })), [[id, "SignatureInvalid"]]);
      await expectSkipped(w, fin(await signTerms(w, w.supplierA, t, { contract: await w.membership.getAddress() })), [[id, "SignatureInvalid"]]);
      await expectSkipped(w, fin(await signTerms(w, w.supplierA, { ...t, deadline: (await now()) - 1n })), [[id, "SignatureExpired"]]);
      const good = await signTerms(w, w.supplierA, t);
      await expectSkipped(w, fin({ ...good, signature: malleate(good.signature) }), [[id, "SignatureInvalid"]]);
      await expectSkipped(w, fin(await signTerms(w, w.supplierB, t)), [[id, "SignatureInvalid"]]);
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Confirmed));
      expect(await w.ledger.nonceUsed(w.supplierA.address, good.terms.nonce)).toBe(false);
      await expectSkipped(w, fin(good), []);
      expect(await w.ledger.nonceUsed(w.supplierA.address, good.terms.nonce)).toBe(true);
      // after settlement the same signed terms cannot be replayed on a new certificate with the same nonce
      await time.increase(91n * DAY);
      await w.ledger.connect(w.relayer).settle([id], nextOp());
      const again = await confirmed(w);
      const replay = await signTerms(w, w.supplierA, { receivableId: again, bank: w.bankA.address, nonce: good.terms.nonce });
      await expectSkipped(w, fin(replay), [[again, "SignatureNonceUsed"]]);
      expect((await w.ledger.receivable(again)).status).toBe(BigInt(S.Confirmed));
    });

    it("binds the agreement the holder signed, and carries it to ReceivableFinanced; a zero agreement is accepted as signed", async () => {
      const w = await world();
      const [a, b] = [await confirmed(w), await confirmed(w)];
      const agreement = fingerprint(`financing agreement of #${a}`);
      const signed = await signTerms(w, w.supplierA, { receivableId: a, bank: w.bankA.address, agreement });
      const unbound = await signTerms(w, w.supplierA, { receivableId: b, bank: w.bankA.address, agreement: ZeroHash });
      const financedEvents = (await eventsOf(w, w.ledger.connect(w.bankA).finance([signed.terms, unbound.terms], [signed.signature, unbound.signature], nextOp())))
        .filter(([name]) => name === "ReceivableFinanced");
      // ReceivableFinanced(id, bank, seller, advance, due, recourse, agreement, nonce, opId)
      expect(financedEvents.map(([, args]) => [args[0], args[6]])).toEqual([[a, agreement], [b, ZeroHash]]);
    });

    it("uses unordered nonces: intents can be used in any order", async () => {
      const w = await world();
      const [a, b] = [await confirmed(w), await confirmed(w)];
      const n1 = nextNonce();
      const n2 = n1 + 300n; // another bitmap word
      const sa = await signTerms(w, w.supplierA, { receivableId: a, bank: w.bankA.address, nonce: n2 });
      const sb = await signTerms(w, w.supplierA, { receivableId: b, bank: w.bankA.address, nonce: n1 });
      await w.ledger.connect(w.bankA).finance([sa.terms], [sa.signature], nextOp());
      await w.ledger.connect(w.bankA).finance([sb.terms], [sb.signature], nextOp());
      expect([(await w.ledger.receivable(a)).status, (await w.ledger.receivable(b)).status]).toEqual([BigInt(S.Financed), BigInt(S.Financed)]);
    });
  });
});
