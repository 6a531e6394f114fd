/**
 * Signed documents on the ledger (docs/signed-documents.md): a certificate's parties record the
 * SM3 fingerprints of the documents they signed, as events. The certificate (kind 1) by its
 * obligor or its current holder, once it is confirmed or signed for; the notice of assignment
 * (kind 2) by its obligor only. Nothing is stored but the operation id.
 */
import { describe, it, expect } from "vitest";
import { ZeroHash, encodeBytes32String } from "ethers";
import {
  world, nextOp, orgId, expectRevert, eventsOf, register, issue, issued, confirmed, financed, transferred, fingerprint, time, YUAN,
  type World,
} from "./fixtures";
import { ReceivableStatus as S } from "../../backend/src/ledger/roles";

const CERTIFICATE = 1;
const NOTICE = 2;
const FP = fingerprint("certificate");
const REASON = encodeBytes32String("wrong goods delivered");
const HALF = (1_000_000n * YUAN) / 2n; // half the fixtures' default face amount

type Who = World["core1"];
const record = (w: World, who: Who, items: { id: bigint; kind: number; fingerprint: string }[], op = nextOp()) =>
  w.ledger.connect(who).recordDocuments(items, op);
const one = (id: bigint, kind = CERTIFICATE, fp = FP) => [{ id, kind, fingerprint: fp }];

describe("Documents", () => {
  describe("a certificate (kind 1)", () => {
    it("is recorded by its obligor once Confirmed: one event with the certificate, fingerprint, recorder, kind and operation id", async () => {
      const w = await world();
      const id = await confirmed(w);
      const op = nextOp();
      expect(await eventsOf(w, record(w, w.core1, one(id), op))).toEqual([["DocumentRecorded", [id, FP, w.core1.address, BigInt(CERTIFICATE), op]]]);
      expect(await w.ledger.operationExecuted(w.core1.address, op)).toBe(true);
    });

    it("is recorded by the supplier that signed for an issued certificate, and refused before it did", async () => {
      const w = await world();
      const [offered] = await issue(w, w.core1, w.supplierB.address);
      // Offered is not refused by status: the supplier is already its creditor and holder
      expect(await eventsOf(w, record(w, w.supplierB, one(offered)))).toHaveLength(1);
      const [id] = await issued(w, w.core1, w.supplierB);
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Confirmed));
      const events = await eventsOf(w, record(w, w.supplierB, one(id)));
      expect(events.map(([name, args]) => [name, args[2]])).toEqual([["DocumentRecorded", w.supplierB.address]]);
    });

    it("is recorded by the current holder after a transfer, and no longer by the former one", async () => {
      const w = await world();
      const id = await confirmed(w);
      await transferred(w, w.supplierA, w.supplierB, id);
      await expectRevert(record(w, w.supplierA, one(id)), "DocumentNotParty", [id, w.supplierA.address]);
      expect(await eventsOf(w, record(w, w.supplierB, one(id)))).toEqual([["DocumentRecorded", [id, FP, w.supplierB.address, BigInt(CERTIFICATE), expect.any(BigInt)]]]);
      // the obligor still may
      expect(await eventsOf(w, record(w, w.core1, one(id)))).toHaveLength(1);
    });

    it("is refused to anyone else: another supplier, another core enterprise, the financing bank", async () => {
      const w = await world();
      const id = await confirmed(w);
      await financed(w, id);
      for (const who of [w.supplierB, w.core2, w.bankA, w.auditor]) {
        await expectRevert(record(w, who, one(id)), "DocumentNotParty", [id, who.address]);
      }
      // the holder of a Financed certificate keeps its title, so it still may
      expect(await eventsOf(w, record(w, w.supplierA, one(id)))).toHaveLength(1);
    });
  });

  describe("a notice of assignment (kind 2)", () => {
    it("is recorded by the obligor only: not by the holder that assigned, nor by the bank it was assigned to", async () => {
      const w = await world();
      const id = await confirmed(w);
      await financed(w, id);
      const notice = fingerprint("notice");
      const op = nextOp();
      expect(await eventsOf(w, record(w, w.core1, one(id, NOTICE, notice), op))).toEqual([["DocumentRecorded", [id, notice, w.core1.address, BigInt(NOTICE), op]]]);
      for (const who of [w.supplierA, w.bankA, w.core2]) {
        await expectRevert(record(w, who, one(id, NOTICE, notice)), "DocumentNotParty", [id, who.address]);
      }
    });

    it("is recorded for a transfer between suppliers, by the obligor, not by the new holder", async () => {
      const w = await world();
      const id = await confirmed(w);
      await transferred(w, w.supplierA, w.supplierB, id);
      await expectRevert(record(w, w.supplierB, one(id, NOTICE)), "DocumentNotParty", [id, w.supplierB.address]);
      expect(await eventsOf(w, record(w, w.core1, one(id, NOTICE)))).toHaveLength(1);
    });
  });

  describe("the certificate's state", () => {
    it("refuses a certificate never confirmed nor signed for: Pending, Rejected, Cancelled, Void", async () => {
      const w = await world();
      const [pending, rejected, cancelled] = await register(w, w.supplierA, w.core1.address, [{}, {}, {}]);
      await (await w.ledger.connect(w.core1).reject([rejected], REASON, nextOp())).wait();
      await (await w.ledger.connect(w.supplierA).cancel([cancelled], nextOp())).wait();
      const [refused] = await issue(w, w.core1, w.supplierB.address);
      await (await w.ledger.connect(w.supplierB).returnOffers([refused], REASON, nextOp())).wait();
      const cases: [bigint, S][] = [[pending, S.Pending], [rejected, S.Rejected], [cancelled, S.Cancelled], [refused, S.Void]];
      for (const [id, status] of cases) {
        expect((await w.ledger.receivable(id)).status).toBe(BigInt(status));
        for (const kind of [CERTIFICATE, NOTICE]) {
          await expectRevert(record(w, w.core1, one(id, kind)), "ReceivableInvalidStatus", [id, status, S.Confirmed]);
        }
      }
    });

    it("takes one that was confirmed, whatever happened since: Financed, Split, Settled", async () => {
      const w = await world();
      const financedId = await confirmed(w);
      await financed(w, financedId);
      const split = await confirmed(w);
      await (await w.ledger.connect(w.supplierA).split(split, [{ to: w.supplierA.address, amount: HALF }, { to: w.supplierA.address, amount: HALF }], nextOp())).wait();
      const settled = await confirmed(w);
      await time.increaseTo((await w.ledger.receivable(settled)).maturity);
      await (await w.ledger.connect(w.outsider).settle([settled], nextOp())).wait();
      const ids = [financedId, split, settled];
      expect((await Promise.all(ids.map(async (id) => (await w.ledger.receivable(id)).status)))).toEqual([S.Financed, S.Split, S.Settled].map(BigInt));
      const events = await eventsOf(w, record(w, w.core1, ids.map((id) => ({ id, kind: CERTIFICATE, fingerprint: FP }))));
      expect(events.map(([, args]) => args[0])).toEqual(ids);
    });

    it("refuses an id that does not exist", async () => {
      const w = await world();
      const missing = (await w.ledger.lastReceivableId()) + 1n;
      await expectRevert(record(w, w.core1, one(missing)), "ReceivableNotFound", [missing]);
      await expectRevert(record(w, w.core1, one(0n)), "ReceivableNotFound", [0n]);
    });
  });

  describe("the items", () => {
    it("refuses a zero fingerprint", async () => {
      const w = await world();
      const id = await confirmed(w);
      await expectRevert(record(w, w.core1, one(id, CERTIFICATE, ZeroHash)), "DocumentEmptyFingerprint", [id]);
    });

    it("refuses kinds other than 1 and 2", async () => {
      const w = await world();
      const id = await confirmed(w);
      for (const kind of [0, 3, 255]) await expectRevert(record(w, w.core1, one(id, kind)), "DocumentInvalidKind", [id, kind]);
    });

    it("refuses a kind that does not fit in uint8 (raw calldata: 257, which would be 1 if cut to 8 bits)", async () => {
      const w = await world();
      const id = await confirmed(w);
      const data = w.ledger.interface.encodeFunctionData("recordDocuments", [one(id), nextOp()]);
      // after the selector: the items' offset, opId, the items' length, then the first item's id and kind
      const kindAt = 2 + 8 + 64 * 4;
      const tampered = data.slice(0, kindAt) + (257).toString(16).padStart(64, "0") + data.slice(kindAt + 64);
      expect(BigInt("0x" + data.slice(kindAt, kindAt + 64))).toBe(BigInt(CERTIFICATE));
      await expect(w.core1.sendTransaction({ to: await w.ledger.getAddress(), data: tampered, gasLimit: 500_000 }).then((t) => t.wait())).rejects.toThrow();
    });

    it("records a batch in order, or nothing when one item is refused", async () => {
      const w = await world();
      const a = await confirmed(w);
      const b = await confirmed(w);
      const [pending] = await register(w, w.supplierA, w.core1.address);
      const items = [{ id: a, kind: CERTIFICATE, fingerprint: fingerprint("a") }, { id: b, kind: NOTICE, fingerprint: fingerprint("b notice") }];
      const events = await eventsOf(w, record(w, w.core1, items));
      expect(events.map(([, args]) => [args[0], args[1], args[3]])).toEqual([[a, fingerprint("a"), 1n], [b, fingerprint("b notice"), 2n]]);
      const op = nextOp();
      await expectRevert(record(w, w.core1, [...items, { id: pending, kind: CERTIFICATE, fingerprint: FP }], op), "ReceivableInvalidStatus", [pending, S.Pending, S.Confirmed]);
      expect(await w.ledger.operationExecuted(w.core1.address, op)).toBe(false);
    });

    it("refuses an empty batch", async () => {
      const w = await world();
      await expectRevert(record(w, w.core1, []), "LedgerEmptyBatch");
    });
  });

  describe("the caller and the call", () => {
    it("refuses an operation id the caller already used, not one another caller used", async () => {
      const w = await world();
      const id = await confirmed(w);
      const op = nextOp();
      await (await record(w, w.core1, one(id), op)).wait();
      await expectRevert(record(w, w.core1, one(id, NOTICE), op), "OperationAlreadyExecuted", [w.core1.address, op]);
      expect(await eventsOf(w, record(w, w.supplierA, one(id), op))).toHaveLength(1);
    });

    it("refuses an inactive caller: its organization suspended, a removed key, a non-member", async () => {
      const w = await world();
      const id = await confirmed(w);
      await (await w.membership.connect(w.operator).suspend(orgId("core1"), REASON, nextOp())).wait();
      await expectRevert(record(w, w.core1, one(id, NOTICE)), "MemberInactive", [w.core1.address]);
      await expectRevert(record(w, w.outsider, one(id)), "MemberInactive", [w.outsider.address]);
      await (await w.membership.connect(w.operator).reinstate(orgId("core1"), nextOp())).wait();
      expect(await eventsOf(w, record(w, w.core1, one(id, NOTICE)))).toHaveLength(1);

      const held = await confirmed(w, w.supplierC);
      await (await w.membership.connect(w.operator).removeAccount(w.supplierC.address, nextOp())).wait();
      await expectRevert(record(w, w.supplierC, one(held)), "MemberInactive", [w.supplierC.address]);
    });

    it("refuses while the ledger is paused", async () => {
      const w = await world();
      const id = await confirmed(w);
      await (await w.ledger.connect(w.operator).pause()).wait();
      await expectRevert(record(w, w.core1, one(id)), "EnforcedPause");
    });

    it("changes nothing but the operation id: the certificate, its holder and balances are as they were", async () => {
      const w = await world();
      const id = await confirmed(w);
      const state = async () => [[...(await w.ledger.receivable(id))], await w.ledger.ownerOf(id), await w.ledger.balanceOf(w.supplierA.address), await w.ledger.lastReceivableId()];
      const before = await state();
      await (await record(w, w.core1, [{ id, kind: CERTIFICATE, fingerprint: FP }, { id, kind: NOTICE, fingerprint: fingerprint("notice") }])).wait();
      expect(await state()).toEqual(before);
    });
  });
});
