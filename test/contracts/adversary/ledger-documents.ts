/** Adversary rows for the documents side of ReceivableLedger: recording signed documents' fingerprints. */
import { expect } from "vitest";
import { ZeroHash } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { nextOp, fingerprint, time } from "../fixtures";
import { ReceivableStatus as S } from "../../../backend/src/ledger/roles";
import { MAX, ledgerState, type Scene } from "./scene";
import { err, refuse, harmless, every, inactive, SELF, type ContractRows, type Call } from "./table";

const L = (s: Scene, who: HardhatEthersSigner) => s.w.ledger.connect(who);
const id = (name: keyof Scene["ids"]) => (s: Scene) => s.ids[name];
const CERTIFICATE = 1;
const NOTICE = 2;
const FP = fingerprint("hostile");

/** The caller records documents of `kind` for the certificates `ids` names. */
const record = (ids: (s: Scene) => bigint[], kind = CERTIFICATE, fp = FP, opId?: (s: Scene) => bigint): Call => (s, who) =>
  L(s, who).recordDocuments(ids(s).map((x) => ({ id: x, kind, fingerprint: fp })), opId ? opId(s) : nextOp());
const notParty = (name: keyof Scene["ids"]) => err("DocumentNotParty", id(name), SELF);
const status = (name: keyof Scene["ids"], is: S) => err("ReceivableInvalidStatus", id(name), is, S.Confirmed);

export const LEDGER_DOCUMENTS: ContractRows = {
  recordDocuments: {
    what: "records a certificate document for C (owed by core1, held by supplierA)",
    call: record((s) => [s.ids.C]),
    suspended: "susSupplier",
    kinds: every(notParty("C"), { outsider: inactive, removed: inactive, suspended: inactive, operator: inactive, governance: inactive }),
    rows: [
      refuse("supplierA", "a notice of assignment for its own C (the obligor's to acknowledge)", record((s) => [s.ids.C], NOTICE), notParty("C")),
      refuse("bankA", "a notice of assignment for F, which it financed", record((s) => [s.ids.F], NOTICE), notParty("F")),
      refuse("bankA", "a certificate document for F, which it financed (it holds a lien, not the title)", record((s) => [s.ids.F]), notParty("F")),
      refuse("supplierC", "a certificate document for T, offered to it and not yet accepted", record((s) => [s.ids.T]), notParty("T")),
      refuse("supplierA", "a certificate document for Y, held by its organization's removed key", record((s) => [s.ids.Y]), notParty("Y")),
      refuse("core2", "a notice for C, owed by core1", record((s) => [s.ids.C], NOTICE), notParty("C")),
      refuse("core1", "its own C, then C owed by another (Cc2, core2's)", record((s) => [s.ids.C, s.ids.Cc2]), notParty("Cc2")),
      refuse("core1", "a certificate document for P, Pending", record((s) => [s.ids.P]), status("P", S.Pending)),
      refuse("supplierA", "a certificate document for its Pending P", record((s) => [s.ids.P]), status("P", S.Pending)),
      refuse("supplierA", "P once core1 rejected it", record((s) => [s.ids.P]), status("P", S.Rejected), async (s) => {
        await (await L(s, s.as.core1).reject([s.ids.P], FP, nextOp())).wait();
      }),
      refuse("core1", "I once it expired unaccepted (Void)", record((s) => [s.ids.I], NOTICE), status("I", S.Void), async (s) => {
        await time.increaseTo(s.expires.I);
        await (await L(s, s.as.outsider).returnOffers([s.ids.I], ZeroHash, nextOp())).wait();
      }),
      refuse("core1", "kind 0", record((s) => [s.ids.C], 0), err("DocumentInvalidKind", id("C"), 0)),
      refuse("core1", "kind 3 (a financing agreement is bound in the terms, not here)", record((s) => [s.ids.C], 3), err("DocumentInvalidKind", id("C"), 3)),
      refuse("core1", "kind 255", record((s) => [s.ids.C], 255), err("DocumentInvalidKind", id("C"), 255)),
      refuse("core1", "a zero fingerprint", record((s) => [s.ids.C], CERTIFICATE, ZeroHash), err("DocumentEmptyFingerprint", id("C"))),
      refuse("core1", "an id that does not exist (2^256-1)", record(() => [MAX]), err("ReceivableNotFound", MAX)),
      refuse("core1", "id 0", record(() => [0n]), err("ReceivableNotFound", 0n)),
      refuse("core1", "an empty batch", record(() => []), err("LedgerEmptyBatch")),
      refuse("removed", "its own certificate Y", record((s) => [s.ids.Y]), inactive),
      refuse("susSupplier", "its own certificate Z", record((s) => [s.ids.Z]), inactive),
      refuse("supplierA", "an operation id it already used", record((s) => [s.ids.C], CERTIFICATE, FP, (s) => s.usedOp.supplierA), err("OperationAlreadyExecuted", SELF, (s: Scene) => s.usedOp.supplierA)),
      harmless("supplierA", "records its own C's certificate and F's: only events, nothing of anyone changes", record((s) => [s.ids.C, s.ids.F]), async (s) => {
        expect(await ledgerState(s)).toEqual(s.before);
      }),
    ],
  },
};
