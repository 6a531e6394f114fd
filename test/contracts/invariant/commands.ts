import fc from "fast-check";
import { keccak256, encodeBytes32String, type ContractTransactionResponse, type Interface } from "ethers";
import { DAY, CREDIT_LIMIT, nextOp, orgId, attested, confirmItems, fingerprint } from "../fixtures";
import { invoiceKey } from "../../../backend/src/ledger/invoice-key";
import { ledgerDomain, CONFIRM_TYPES, FINANCE_TERMS_TYPES } from "../../../backend/src/ledger/typed-data";
import {
  Status, MAX_UINT256, ZERO32, statusName, noEffects, type Cert, type Effects, type ItemInput, type Ledger, type TermsInput,
} from "./model";
import {
  stats, Model, Real, BANKS, CORES, SUPPLIERS, ORGS, send, mineAt, predict, settleOutcome, checkInvariants,
} from "./harness";

/** The financing agreement a holder's terms for certificate `id` are bound to (the ledger only carries it). */
const agreementOf = (id: bigint) => fingerprint(`financing agreement of #${id}`);

/**
 * Commands are generated without looking at the model: they carry selectors (small integers)
 * and modes that are resolved against the model's state when they run, so that a command means
 * "confirm one of my Pending receivables" rather than "confirm #7". Sequences shrink well and
 * every run is reproducible from its seed.
 */
abstract class Step implements fc.AsyncCommand<Model, Real> {
  abstract readonly label: string;
  constructor(readonly spec: object) {}
  check(): boolean {
    return true;
  }
  /** Runs the step on both sides; returns what was done, for the trace. */
  abstract exec(m: Model, r: Real): Promise<string>;
  async run(m: Model, r: Real): Promise<void> {
    let what = this.label;
    r.step = this.label;
    try {
      what = await this.exec(m, r);
      r.trace.push(what);
      await checkInvariants(m, r, what);
    } catch (e) {
      if (!r.trace.includes(what)) r.trace.push(what);
      const err = e as Error;
      if (!err.message.includes("\ntrace:")) {
        err.message += `\ntrace: (t=${m.s.now})\n${r.trace.map((t, i) => `  ${i + 1}. ${t}`).join("\n")}`;
      }
      throw err;
    }
  }
  toString(): string {
    return `${this.label}(${JSON.stringify(this.spec, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))})`;
  }
}

// ─── Resolution helpers ───────────────────────────────────────────────

const at = <T>(pool: T[], sel: number): T => pool[sel % pool.length];
const fmt = (v: bigint) => v.toString();
const ids = (xs: bigint[]) => `[${xs.map((x) => `#${x}`).join(",")}]`;
const ts = (m: Model) => m.s.now + 1n;
const SETTLEABLE: number[] = [Status.Confirmed, Status.Financed, Status.Overdue];

type Mode = "own" | "pending" | "fit" | "deepest" | "encumbered" | "due" | "settleable" | "overdue" | "recourse" | "defaulted" | "offered" | "expired" | "any";

/** Candidate ids for a mode; "any" includes one id that does not exist. */
function pool(m: Model, mode: Mode, actor?: string): bigint[] {
  const t = ts(m);
  const certs = m.s.certs;
  const where = (f: (c: Cert) => boolean) => certs.filter(f).map((c) => c.id);
  let xs: bigint[];
  switch (mode) {
    case "own":
      xs = where((c) => c.status === Status.Pending && (c.obligor === actor || c.holder === actor));
      break;
    case "pending":
      xs = where((c) => c.status === Status.Pending);
      break;
    case "fit":
      xs = where((c) => c.status === Status.Confirmed && c.maturity > t && (!actor || c.holder === actor));
      break;
    case "deepest": {
      const fit = certs.filter((c) => c.status === Status.Confirmed && c.maturity > t);
      const tier = Math.max(-1, ...fit.map((c) => c.tier));
      xs = fit.filter((c) => c.tier === tier).map((c) => c.id);
      break;
    }
    case "encumbered":
      xs = where((c) => c.lien !== null);
      break;
    case "due":
      xs = where((c) => SETTLEABLE.includes(c.status) && c.maturity <= t);
      break;
    case "settleable":
      xs = where((c) => SETTLEABLE.includes(c.status));
      break;
    case "overdue":
      xs = where((c) => c.status === Status.Overdue);
      break;
    case "recourse":
      xs = where((c) => c.status === Status.Defaulted && c.recourse);
      break;
    case "defaulted":
      xs = where((c) => c.status === Status.Defaulted);
      break;
    case "offered": // waiting for `actor` (any receiver if none)
      xs = where((c) => c.status === Status.Offered && (!actor || c.offer!.to === actor));
      break;
    case "expired": // past its acceptance period or maturity: anyone may return it
      xs = where((c) => c.status === Status.Offered && (c.offer!.expires <= t || c.maturity <= t));
      break;
    default:
      xs = [];
  }
  if (mode === "any") xs = [...certs.map((c) => c.id), BigInt(certs.length + 1)]; // one id that does not exist
  if (xs.length === 0) xs = certs.length ? certs.map((c) => c.id) : [1n];
  return xs;
}
function pickIds(m: Model, sels: number[], mode: Mode, dup: boolean, actor?: string): bigint[] {
  const p = pool(m, mode, actor);
  const out = sels.map((s) => at(p, s));
  return dup ? out : [...new Set(out)];
}

/** A deterministic integer stream from a selector (mulberry32), for partitions. */
function stream(seed: number): () => bigint {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return BigInt((t ^ (t >>> 14)) >>> 0);
  };
}
/** `n` parts of `amount`, each at least `minimum` when that is possible. */
function partition(amount: bigint, n: number, minimum: bigint, seed: number): bigint[] {
  const base = BigInt(n) * minimum;
  if (amount < base) {
    const each = amount / BigInt(n);
    return Array.from({ length: n }, (_, i) => (i === n - 1 ? amount - each * BigInt(n - 1) : each));
  }
  const extra = amount - base;
  const next = stream(seed);
  const cuts = Array.from({ length: n - 1 }, () => (next() * extra) >> 32n).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const bounds = [0n, ...cuts, extra];
  return Array.from({ length: n }, (_, i) => minimum + bounds[i + 1] - bounds[i]);
}

function freshKey(m: Model): string {
  return invoiceKey("91500000MA5U000001", `INV-${++m.s.keySeq}`);
}

type KeySpec = { fresh: true } | { fresh: false; prefer: "live" | "released" | "confirmed" | "settled" | "any"; sel: number };
function resolveKey(m: Model, k: KeySpec): string {
  if (k.fresh || m.s.keyList.length === 0) return freshKey(m);
  const status = (key: string) => {
    const id = m.s.invoice[key];
    return m.ledger.cert(id)?.status ?? Status.None;
  };
  const cat: Record<string, (s: number) => boolean> = {
    live: (s) => s === Status.Pending || s === Status.Offered,
    released: (s) => s === Status.Rejected || s === Status.Cancelled || s === Status.Void,
    confirmed: (s) => [Status.Confirmed, Status.Financed, Status.Split, Status.Overdue, Status.Defaulted].includes(s as never),
    settled: (s) => s === Status.Settled,
    any: () => true,
  };
  const matching = m.s.keyList.filter((key) => cat[k.prefer](status(key)));
  return at(matching.length ? matching : m.s.keyList, k.sel);
}

async function signConfirmIntent(m: Model, r: Real, signer: string, idsToSign: bigint[], nonce: bigint, deadline: bigint) {
  return r.signer(signer).signTypedData(ledgerDomain(r.w.chainId, r.ledgerAddress), CONFIRM_TYPES, { items: await confirmItems(r.w.ledger, idsToSign), nonce, deadline });
}

/** Predict, send, compare, commit: one ledger transaction. */
async function tx(
  m: Model, r: Real, what: string, op: (l: Ledger, t: bigint) => Effects, call: () => Promise<ContractTransactionResponse>,
): Promise<string> {
  const exp = predict(m, op);
  const out = await send(m, call);
  settleOutcome(m, r, what, exp, out);
  const outcome = out.ok ? "ok" : out.name;
  stats.count(`${r.step} -> ${outcome}`);
  return `${what} -> ${outcome}`;
}

// ─── Arbitraries ──────────────────────────────────────────────────────

const sel = fc.nat({ max: 1 << 20 });
const weighted = <T>(...xs: [number, fc.Arbitrary<T>][]) => fc.oneof(...xs.map(([weight, arbitrary]) => ({ weight, arbitrary })));
const often = <T>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<T>, w = 8) => weighted<T>([w, usual], [1, rare]);
const selectors = (max: number) => fc.array(sel, { minLength: 1, maxLength: max });
/** true with probability t / (t + f) */
const flag = (t: number, f = 10 - t) => weighted([t, fc.constant(true)], [f, fc.constant(false)]);
const supplier = fc.constantFrom(...SUPPLIERS);
const core = fc.constantFrom(...CORES);
const bank = fc.constantFrom(...BANKS);
const anyone = fc.constantFrom("relayer", "outsider", "auditor", ...SUPPLIERS, ...BANKS, ...CORES);

const amountArb = weighted<bigint>(
  [24, fc.bigInt(20_000n, 2_000_000n)],
  [2, fc.bigInt(10_000n, 29_999n)], // too small for a three-way split
  [1, fc.constant(0n)],
  [1, fc.constant(1n << 80n)],
);
type MaturitySpec = { kind: "rel" | "now" | "next" | "maxTenor" | "overTenor"; secs: bigint };
const maturityArb: fc.Arbitrary<MaturitySpec> = fc.record({
  kind: weighted(
    [20, fc.constant("rel" as const)],
    [1, fc.constant("now" as const)],
    [1, fc.constant("next" as const)],
    [1, fc.constant("maxTenor" as const)],
    [1, fc.constant("overTenor" as const)],
  ),
  secs: weighted([3, fc.bigInt(3_600n, 10n * DAY)], [2, fc.bigInt(10n * DAY, 40n * DAY)]),
});
const keyArb: fc.Arbitrary<KeySpec> = weighted<KeySpec>(
  [7, fc.constant({ fresh: true as const })],
  [
    3,
    fc.record({
      fresh: fc.constant(false as const),
      prefer: fc.constantFrom("live" as const, "released" as const, "confirmed" as const, "settled" as const, "any" as const),
      sel,
    }),
  ],
);
type ItemSpec = { party: string; amount: bigint; maturity: MaturitySpec; keys: KeySpec[]; zeroRoot: boolean };
/** Mostly well-formed items (fresh keys, sensible amounts and dates); some of anything. */
const itemArb = (usualParty: fc.Arbitrary<string>, oddParty: fc.Arbitrary<string>): fc.Arbitrary<ItemSpec> =>
  weighted<ItemSpec>(
    [
      10,
      fc.record({
        party: usualParty,
        amount: fc.bigInt(20_000n, 2_000_000n),
        maturity: fc.record({ kind: fc.constant("rel" as const), secs: maturityArb.map((x) => x.secs) }),
        keys: fc.array(weighted<KeySpec>([12, fc.constant({ fresh: true as const })], [1, keyArb]), { minLength: 1, maxLength: 2 }),
        zeroRoot: fc.constant(false),
      }),
    ],
    [
      2,
      fc.record({
        party: often(usualParty, oddParty, 5),
        amount: amountArb,
        maturity: maturityArb,
        keys: often(fc.array(keyArb, { minLength: 1, maxLength: 2 }), fc.constant([] as KeySpec[]), 8),
        zeroRoot: flag(1, 10),
      }),
    ],
  );

function resolveItems(m: Model, items: ItemSpec[]): ItemInput[] {
  const t = ts(m);
  return items.map((it) => {
    const keys = it.keys.map((k) => resolveKey(m, k));
    const mat = it.maturity;
    const maturity =
      mat.kind === "rel" ? t + mat.secs
      : mat.kind === "now" ? t
      : mat.kind === "next" ? t + 1n
      : mat.kind === "maxTenor" ? t + m.env.params.maxTenor
      : t + m.env.params.maxTenor + 1n;
    return {
      counterparty: m.addr(it.party),
      amount: it.amount,
      maturity,
      root: it.zeroRoot ? ZERO32 : keccak256(keys[0] ?? ZERO32),
      keys,
    };
  });
}
const toStruct = (i: ItemInput) => ({
  counterparty: i.counterparty, amount: i.amount, maturity: i.maturity, invoicesRoot: i.root, invoiceKeys: i.keys,
});
const describeItems = (m: Model, items: ItemInput[]) =>
  items.map((i) => `{${m.name(i.counterparty)} ${fmt(i.amount)} mat+${i.maturity - ts(m)} keys=${i.keys.map((k) => k.slice(2, 8)).join("/") || "-"}${BigInt(i.root) === 0n ? " root=0" : ""}}`).join(" ");

// ─── Creation ─────────────────────────────────────────────────────────

class Register extends Step {
  readonly label = "register";
  declare readonly spec: { actor: string; items: ItemSpec[] };
  static arb = fc
    .record({
      actor: often(supplier, fc.constantFrom("core1", "bankA"), 12),
      items: often(fc.array(itemArb(core, fc.constant("supplierB")), { minLength: 1, maxLength: 3 }), fc.constant([] as ItemSpec[]), 40),
    })
    .map((s) => new Register(s));
  async exec(m: Model, r: Real) {
    const { actor } = this.spec;
    const items = resolveItems(m, this.spec.items);
    const sender = m.addr(actor);
    const opId = nextOp();
    const what = `register by ${actor}: ${describeItems(m, items)}`;
    return tx(m, r, what, (l, t) => l.register(sender, items, opId, t), async () =>
      r.w.ledger.connect(r.signer(actor)).register(...(await attested(r.w.ledger, r.signer(actor), false, items.map(toStruct))), opId));
  }
}

class Issue extends Step {
  readonly label = "issue";
  declare readonly spec: { actor: string; items: ItemSpec[] };
  static arb = fc
    .record({
      actor: often(core, fc.constant("supplierA"), 12),
      items: fc.array(itemArb(supplier, fc.constant("bankB")), { minLength: 1, maxLength: 2 }),
    })
    .map((s) => new Issue(s));
  async exec(m: Model, r: Real) {
    const { actor } = this.spec;
    const items = resolveItems(m, this.spec.items);
    const sender = m.addr(actor);
    const opId = nextOp();
    const what = `issue by ${actor}: ${describeItems(m, items)}`;
    return tx(m, r, what, (l, t) => l.issue(sender, items, opId, t), async () =>
      r.w.ledger.connect(r.signer(actor)).issue(...(await attested(r.w.ledger, r.signer(actor), true, items.map(toStruct))), opId));
  }
}

// ─── Confirmation, rejection, cancellation ────────────────────────────

type PickSpec = { ids: number[]; mode: Mode; dup: boolean };
const pickArb = (usual: Mode, max = 2) =>
  fc.record({
    ids: often(selectors(max), fc.constant([] as number[]), 40),
    mode: weighted<Mode>([8, fc.constant(usual)], [1, fc.constant("pending" as Mode)], [1, fc.constant("any" as Mode)]),
    dup: flag(1),
  });

class Confirm extends Step {
  readonly label = "confirm";
  declare readonly spec: { actor: string; pick: PickSpec };
  static arb = fc.record({ actor: often(core, fc.constant("supplierC"), 15), pick: pickArb("own") }).map((s) => new Confirm(s));
  async exec(m: Model, r: Real) {
    const { actor, pick } = this.spec;
    const sender = m.addr(actor);
    const xs = pickIds(m, pick.ids, pick.mode, pick.dup, sender);
    const opId = nextOp();
    return tx(m, r, `confirm ${ids(xs)} by ${actor}`, (l) => l.confirm(sender, xs, opId), async () =>
      r.w.ledger.connect(r.signer(actor)).confirm(await confirmItems(r.w.ledger, xs), opId));
  }
}

class ConfirmBySig extends Step {
  readonly label = "confirmBySig";
  declare readonly spec: {
    obligor: string; wrongSigner: boolean; deadline: "ok" | "exact" | "expired"; nonce: "fresh" | "reuse"; pick: PickSpec;
  };
  static arb = fc
    .record({
      obligor: core,
      wrongSigner: flag(1),
      deadline: weighted([8, fc.constant("ok" as const)], [1, fc.constant("exact" as const)], [1, fc.constant("expired" as const)]),
      nonce: often(fc.constant("fresh" as const), fc.constant("reuse" as const), 9),
      pick: pickArb("own"),
    })
    .map((s) => new ConfirmBySig(s));
  async exec(m: Model, r: Real) {
    const { obligor, pick } = this.spec;
    const claimed = m.addr(obligor);
    const signerName = this.spec.wrongSigner ? CORES.find((c) => c !== obligor)! : obligor;
    const xs = pickIds(m, pick.ids, pick.mode, pick.dup, claimed);
    const used = m.s.usedNonces[claimed] ?? [];
    const nonce = this.spec.nonce === "reuse" && used.length ? used[used.length - 1] : m.ledger.freshNonce();
    const t = ts(m);
    const deadline = this.spec.deadline === "ok" ? t + DAY : this.spec.deadline === "exact" ? t : t - 1n;
    const signature = await signConfirmIntent(m, r, signerName, xs, nonce, deadline);
    const relayer = m.addr("relayer");
    const opId = nextOp();
    const what = `confirmBySig ${ids(xs)} for ${obligor} signed by ${signerName} nonce ${nonce} deadline ${this.spec.deadline}`;
    return tx(m, r, what, (l, tt) => l.confirmBySig(relayer, xs, claimed, m.addr(signerName), nonce, deadline, opId, tt), async () =>
      r.w.ledger.connect(r.signer("relayer")).confirmBySig(await confirmItems(r.w.ledger, xs), claimed, nonce, deadline, signature, opId));
  }
}

class Reject extends Step {
  readonly label = "reject";
  declare readonly spec: { actor: string; pick: PickSpec };
  static arb = fc.record({ actor: often(core, fc.constant("bankA"), 15), pick: pickArb("own") }).map((s) => new Reject(s));
  async exec(m: Model, r: Real) {
    const { actor, pick } = this.spec;
    const sender = m.addr(actor);
    const xs = pickIds(m, pick.ids, pick.mode, pick.dup, sender);
    const opId = nextOp();
    return tx(m, r, `reject ${ids(xs)} by ${actor}`, (l) => l.reject(sender, xs, opId), () =>
      r.w.ledger.connect(r.signer(actor)).reject(xs, ZERO32, opId));
  }
}

class Cancel extends Step {
  readonly label = "cancel";
  declare readonly spec: { actor: string; pick: PickSpec };
  static arb = fc.record({ actor: often(supplier, fc.constant("core2"), 15), pick: pickArb("own") }).map((s) => new Cancel(s));
  async exec(m: Model, r: Real) {
    const { actor, pick } = this.spec;
    const sender = m.addr(actor);
    const xs = pickIds(m, pick.ids, pick.mode, pick.dup, sender);
    const opId = nextOp();
    return tx(m, r, `cancel ${ids(xs)} by ${actor}`, (l) => l.cancel(sender, xs, opId), () =>
      r.w.ledger.connect(r.signer(actor)).cancel(xs, opId));
  }
}

// ─── Split and transfer ───────────────────────────────────────────────

const certModeArb = weighted<Mode>([12, fc.constant("fit" as Mode)], [2, fc.constant("encumbered" as Mode)], [1, fc.constant("any" as Mode)]);
const actorArb = often(fc.constant("holder"), supplier, 6);

class Split extends Step {
  readonly label = "split";
  declare readonly spec: {
    actor: string; mode: Mode; cert: number; parts: number; to: string[]; amounts: "valid" | "plus" | "minus" | "tooSmall"; seed: number;
  };
  static arb = fc
    .record({
      actor: actorArb,
      mode: weighted<Mode>([8, certModeArb], [2, fc.constant("deepest" as Mode)]),
      cert: sel,
      parts: weighted([6, fc.constant(2)], [4, fc.constant(3)], [1, fc.constant(1)]),
      to: fc.array(often(supplier, fc.constant("bankA"), 20), { minLength: 3, maxLength: 3 }),
      amounts: weighted(
        [12, fc.constant("valid" as const)],
        [1, fc.constant("plus" as const)],
        [1, fc.constant("minus" as const)],
        [1, fc.constant("tooSmall" as const)],
      ),
      seed: sel,
    })
    .map((s) => new Split(s));
  async exec(m: Model, r: Real) {
    const s = this.spec;
    const id = at(pool(m, s.mode), s.cert);
    const c = m.ledger.cert(id);
    const actor = s.actor === "holder" ? (c ? m.name(c.holder) : "supplierA") : s.actor;
    const face = c?.amount ?? 1_000_000n;
    const min = m.env.params.minPartAmount;
    let amounts: bigint[];
    if (s.amounts === "tooSmall" && s.parts >= 2) {
      amounts = [min - 1n, ...partition(face - (min - 1n), s.parts - 1, min, s.seed)];
    } else {
      amounts = partition(face, s.parts, min, s.seed);
      if (s.amounts === "plus") amounts[amounts.length - 1] += 1n;
      if (s.amounts === "minus") amounts[amounts.length - 1] -= 1n;
    }
    const parts = amounts.map((amount, i) => ({ to: m.addr(s.to[i]), amount }));
    const sender = m.addr(actor);
    const opId = nextOp();
    const what = `split #${id} (${c ? statusName(c.status) : "none"}, ${fmt(face)}, tier ${c?.tier ?? "-"}) by ${actor} into ${parts.map((p) => `${fmt(p.amount)}->${m.name(p.to)}`).join(" + ")}`;
    return tx(m, r, what, (l, t) => l.split(sender, id, parts, opId, t), () =>
      r.w.ledger.connect(r.signer(actor)).split(id, parts, opId));
  }
}

type Erc721Call = "transferFrom" | "safeTransferFrom" | "approve" | "setApprovalForAll";

class Transfer extends Step {
  readonly label = "transfer";
  declare readonly spec: { actor: string; mode: Mode; cert: number; to: string; erc721: Erc721Call | null };
  static arb = fc
    .record({
      actor: actorArb,
      mode: certModeArb,
      cert: sel,
      to: often(supplier, fc.constant("bankB"), 15),
      erc721: weighted<Erc721Call | null>(
        [12, fc.constant(null)],
        [2, fc.constant("transferFrom" as const)],
        [1, fc.constantFrom("safeTransferFrom" as const, "approve" as const, "setApprovalForAll" as const)],
      ),
    })
    .map((s) => new Transfer(s));
  async exec(m: Model, r: Real) {
    const s = this.spec;
    const id = at(pool(m, s.mode), s.cert);
    const c = m.ledger.cert(id);
    const actor = s.actor === "holder" ? (c ? m.name(c.holder) : "supplierA") : s.actor;
    const sender = m.addr(actor);
    const to = m.addr(s.to);
    const what = `${s.erc721 ? `ERC-721 ${s.erc721}` : "offer (transferCertificate)"} #${id} (${c ? statusName(c.status) : "none"}) ${actor} -> ${s.to}`;
    if (s.erc721) {
      // certificates move only by offer and acceptance: these refuse everyone. They are `pure`, so
      // ethers would only eth_call them; sent as a transaction, a block is mined as for any other.
      const args = s.erc721 === "approve" ? [to, id] : s.erc721 === "setApprovalForAll" ? [to, true] : [sender, to, id];
      const data = (r.w.ledger.interface as Interface).encodeFunctionData(s.erc721 === "safeTransferFrom" ? "safeTransferFrom(address,address,uint256)" : s.erc721, args);
      return tx(m, r, what, (l) => l.erc721(s.erc721 === "setApprovalForAll" ? 0n : id), () =>
        r.signer(actor).sendTransaction({ to: r.ledgerAddress, data }) as Promise<ContractTransactionResponse>);
    }
    const opId = nextOp();
    return tx(m, r, what, (l, t) => l.transfer(sender, to, id, opId, t), () => r.w.ledger.connect(r.signer(actor)).transferCertificate(to, id, opId));
  }
}

// ─── Acceptance (签收 / 拒签) ─────────────────────────────────────────

class Accept extends Step {
  readonly label = "accept";
  declare readonly spec: { actor: string; pick: PickSpec };
  static arb = fc
    .record({
      actor: often(fc.constant("receiver"), fc.constantFrom("supplierA", "supplierB", "supplierC", "core1", "outsider"), 6),
      pick: fc.record({
        ids: often(selectors(2), fc.constant([] as number[]), 40),
        mode: weighted<Mode>([10, fc.constant("offered" as Mode)], [1, fc.constant("fit" as Mode)], [1, fc.constant("any" as Mode)]),
        dup: flag(1),
      }),
    })
    .map((s) => new Accept(s));
  async exec(m: Model, r: Real) {
    const { pick } = this.spec;
    const first = m.ledger.cert(at(pool(m, pick.mode), pick.ids[0] ?? 0));
    const actor = this.spec.actor !== "receiver" ? this.spec.actor : first?.offer ? m.name(first.offer.to) : "supplierA";
    const sender = m.addr(actor);
    // mostly the offers waiting for this actor
    const xs = pickIds(m, pick.ids, pick.mode, pick.dup, pick.mode === "offered" && this.spec.actor === "receiver" ? sender : undefined);
    const opId = nextOp();
    return tx(m, r, `accept ${describeOffers(m, xs)} by ${actor}`, (l, t) => l.accept(sender, xs, opId, t), () =>
      r.w.ledger.connect(r.signer(actor)).accept(xs, opId));
  }
}

class ReturnOffers extends Step {
  readonly label = "returnOffers";
  declare readonly spec: { actor: "receiver" | "sender" | "keeper" | string; pick: PickSpec; reason: boolean };
  static arb = fc
    .record({
      actor: weighted<string>(
        [4, fc.constant("receiver")],
        [3, fc.constant("sender")],
        [3, fc.constant("keeper")],
        [1, fc.constantFrom("supplierA", "supplierB", "core2", "outsider")],
      ),
      pick: fc.record({
        ids: often(selectors(2), fc.constant([] as number[]), 40),
        mode: weighted<Mode>([8, fc.constant("offered" as Mode)], [4, fc.constant("expired" as Mode)], [1, fc.constant("any" as Mode)]),
        dup: flag(1),
      }),
      reason: flag(7),
    })
    .map((s) => new ReturnOffers(s));
  async exec(m: Model, r: Real) {
    const { pick } = this.spec;
    const xs = pickIds(m, pick.ids, pick.mode, pick.dup);
    const first = m.ledger.cert(xs[0]);
    const offer = first?.offer;
    const actor =
      this.spec.actor === "receiver" ? (offer ? m.name(offer.to) : "supplierB")
      : this.spec.actor === "sender" ? (offer ? m.name(offer.from) : "supplierA")
      : this.spec.actor === "keeper" ? "relayer"
      : this.spec.actor;
    const sender = m.addr(actor);
    const reason = this.spec.reason ? encodeBytes32String("wrong goods") : ZERO32;
    const opId = nextOp();
    return tx(m, r, `returnOffers ${describeOffers(m, xs)} by ${actor}`, (l, t) => l.returnOffers(sender, xs, reason, opId, t), () =>
      r.w.ledger.connect(r.signer(actor)).returnOffers(xs, reason, opId));
  }
}

const describeOffers = (m: Model, xs: bigint[]) =>
  xs.map((id) => {
    const c = m.ledger.cert(id);
    if (!c) return `#${id}(none)`;
    if (!c.offer) return `#${id}(${statusName(c.status)})`;
    return `#${id}(${m.name(c.offer.from)} -> ${m.name(c.offer.to)} until +${c.offer.expires - ts(m)}s, matures +${c.maturity - ts(m)}s)`;
  }).join(" ");

/** Governance lets a delinquent obligor issue and confirm again (others try and are refused). */
class ResumeObligor extends Step {
  readonly label = "resumeObligor";
  declare readonly spec: { actor: string; obligor: string; reason: boolean };
  static arb = fc
    .record({
      actor: often(fc.constant("admin"), fc.constantFrom("operator", "core1", "core2"), 3),
      obligor: weighted([8, fc.constant("delinquent")], [1, core]),
      reason: flag(9),
    })
    .map((s) => new ResumeObligor(s));
  async exec(m: Model, r: Real) {
    const delinquent = CORES.filter((c) => (m.s.delinquencies[m.addr(c)] ?? 0n) > 0n);
    const obligorName = this.spec.obligor === "delinquent" ? (delinquent[0] ?? "core2") : this.spec.obligor;
    const obligor = m.addr(obligorName);
    const sender = m.addr(this.spec.actor);
    const reason = this.spec.reason ? encodeBytes32String("restructuring") : ZERO32;
    const what = `resumeObligor ${obligorName} (delinquencies ${m.s.delinquencies[obligor] ?? 0n}) by ${this.spec.actor}${this.spec.reason ? "" : " without a reason"}`;
    return tx(m, r, what, (l) => l.resumeObligor(sender, obligor, reason), () =>
      r.w.ledger.connect(r.signer(this.spec.actor)).resumeObligor(obligor, reason));
  }
}

// ─── Financing ────────────────────────────────────────────────────────

type TermSpec = {
  mode: Mode; cert: number; otherBank: boolean; due: "ok" | "face" | "over"; adv: "ok" | "zero" | "over" | "equal";
  ratio: number; recourse: boolean; deadline: "ok" | "exact" | "expired"; nonce: "fresh" | "reuse"; wrongSigner: boolean;
};
const termArb: fc.Arbitrary<TermSpec> = fc.record({
  mode: certModeArb,
  cert: sel,
  otherBank: flag(1, 30),
  due: weighted([14, fc.constant("ok" as const)], [3, fc.constant("face" as const)], [1, fc.constant("over" as const)]),
  adv: weighted([14, fc.constant("ok" as const)], [2, fc.constant("equal" as const)], [1, fc.constant("zero" as const)], [1, fc.constant("over" as const)]),
  ratio: fc.nat({ max: 9_999 }),
  recourse: fc.boolean(),
  deadline: weighted([14, fc.constant("ok" as const)], [1, fc.constant("exact" as const)], [1, fc.constant("expired" as const)]),
  nonce: often(fc.constant("fresh" as const), fc.constant("reuse" as const), 14),
  wrongSigner: flag(1, 30),
});

class Finance extends Step {
  readonly label = "finance";
  declare readonly spec: { bank: string; terms: TermSpec[] };
  static arb = fc
    .record({ bank: often(bank, fc.constant("supplierB"), 20), terms: fc.array(termArb, { minLength: 1, maxLength: 2 }) })
    .map((s) => new Finance(s));
  async exec(m: Model, r: Real) {
    const bankName = this.spec.bank;
    const sender = m.addr(bankName);
    const t = ts(m);
    const terms: TermsInput[] = [];
    const signatures: string[] = [];
    const shown: string[] = [];
    for (const term of this.spec.terms) {
      const id = at(pool(m, term.mode), term.cert);
      const c = m.ledger.cert(id);
      const face = c?.amount ?? 1_000_000n;
      const ratio = BigInt(term.ratio);
      let due = term.due === "ok" ? (face * (5_000n + (ratio % 5_000n))) / 10_000n : term.due === "face" ? face : face + 1n;
      if (due === 0n) due = 1n;
      let advance =
        term.adv === "ok" ? (due * (5_000n + ((ratio * 7n) % 5_000n))) / 10_000n
        : term.adv === "equal" ? due
        : term.adv === "zero" ? 0n
        : due + 1n;
      if (term.adv === "ok" && advance === 0n) advance = 1n;
      const holderName = c ? m.name(c.holder) : "supplierA";
      const signer = term.wrongSigner ? (SUPPLIERS.find((x) => x !== holderName) ?? "supplierA") : holderName;
      const used = m.s.usedNonces[m.addr(holderName)] ?? [];
      const nonce = term.nonce === "reuse" && used.length ? used[used.length - 1] : m.ledger.freshNonce();
      const deadline = term.deadline === "ok" ? t + DAY : term.deadline === "exact" ? t : t - 1n;
      const termsBank = term.otherBank ? m.addr(BANKS.find((b) => b !== bankName) ?? "bankA") : sender;
      const value = { receivableId: id, bank: termsBank, advance, due, recourse: term.recourse, agreement: agreementOf(id), nonce, deadline };
      signatures.push(await r.signer(signer).signTypedData(ledgerDomain(r.w.chainId, r.ledgerAddress), FINANCE_TERMS_TYPES, value));
      terms.push({ id, bank: termsBank, advance, due, recourse: term.recourse, nonce, deadline, signer: m.addr(signer) });
      shown.push(
        `#${id} (${c ? statusName(c.status) : "none"}, face ${fmt(face)}, ${c ? m.name(c.obligor) : "-"}) adv ${fmt(advance)} due ${fmt(due)}${term.recourse ? " recourse" : ""}${termsBank !== sender ? ` terms-bank ${m.name(termsBank)}` : ""} signed ${signer} nonce ${nonce} deadline ${term.deadline}`,
      );
    }
    const opId = nextOp();
    const what = `finance by ${bankName}: ${shown.join("; ")}`;
    return tx(m, r, what, (l, tt) => l.finance(sender, terms, opId, tt), () =>
      r.w.ledger.connect(r.signer(bankName)).finance(
        terms.map((x) => ({ receivableId: x.id, bank: x.bank, advance: x.advance, due: x.due, recourse: x.recourse, agreement: agreementOf(x.id), nonce: x.nonce, deadline: x.deadline })),
        signatures,
        opId,
      ));
  }
}

class SetCreditLine extends Step {
  readonly label = "setCreditLine";
  declare readonly spec: { bank: string; obligor: string; kind: "used" | "usedPlus" | "below" | "zero" | "huge" | "overMax"; extra: bigint };
  static arb = fc
    .record({
      bank: often(bank, fc.constant("supplierA"), 20),
      obligor: often(core, fc.constant("supplierC"), 20),
      kind: weighted(
        [3, fc.constant("used" as const)],
        [8, fc.constant("usedPlus" as const)],
        [2, fc.constant("below" as const)],
        [2, fc.constant("zero" as const)],
        [2, fc.constant("huge" as const)],
        [1, fc.constant("overMax" as const)],
      ),
      extra: fc.bigInt(0n, 1_500_000n),
    })
    .map((s) => new SetCreditLine(s));
  async exec(m: Model, r: Real) {
    const s = this.spec;
    const sender = m.addr(s.bank);
    const obligor = m.addr(s.obligor);
    const used = m.s.lines[`${sender}|${obligor}`]?.used ?? 0n;
    const limit =
      s.kind === "used" ? used
      : s.kind === "usedPlus" ? used + s.extra
      : s.kind === "below" ? (used > 0n ? used - 1n : 0n)
      : s.kind === "zero" ? 0n
      : s.kind === "huge" ? CREDIT_LIMIT
      : 1n << 128n;
    const opId = nextOp();
    const what = `setCreditLine ${s.bank} for ${s.obligor} to ${fmt(limit)} (used ${fmt(used)})`;
    return tx(m, r, what, (l) => l.setCreditLine(sender, obligor, limit, opId), () =>
      r.w.ledger.connect(r.signer(s.bank)).setCreditLine(obligor, limit, opId));
  }
}

// ─── Funding of obligors (and sellers, for recourse) ──────────────────

class Funding extends Step {
  readonly label = "funding";
  declare readonly spec: {
    party: string; kind: "approve" | "mint" | "burnTo" | "restore"; amount: "zero" | "small" | "partial" | "max"; value: bigint;
  };
  static arb = fc
    .record({
      party: weighted([10, core], [4, supplier], [1, bank]),
      kind: weighted(
        [8, fc.constant("approve" as const)],
        [2, fc.constant("mint" as const)],
        [3, fc.constant("burnTo" as const)],
        [4, fc.constant("restore" as const)],
      ),
      amount: weighted(
        [2, fc.constant("zero" as const)],
        [3, fc.constant("small" as const)],
        [5, fc.constant("partial" as const)],
        [3, fc.constant("max" as const)],
      ),
      value: fc.bigInt(1n, 3_000_000n),
    })
    .map((s) => new Funding(s));
  async exec(m: Model, r: Real) {
    const s = this.spec;
    const who = m.addr(s.party);
    const amount = s.amount === "zero" ? 0n : s.amount === "small" ? s.value % 50_000n : s.amount === "partial" ? s.value : MAX_UINT256;
    const token = r.w.token;
    if (s.kind === "restore") {
      // fund fully again: unlimited allowance, and a deposit
      const opId = nextOp();
      const first = await tx(m, r, `${s.party} approves the ledger for max`, (l) => (l.approve(who, MAX_UINT256), noEffects()), () =>
        token.connect(r.signer(s.party)).approve(r.ledgerAddress, MAX_UINT256));
      const second = await tx(m, r, `issuer mints 5000000 to ${s.party}`, (l) => (l.mint(who, 5_000_000n), noEffects()), () =>
        token.connect(r.signer("issuer")).mint(who, 5_000_000n, opId));
      return `${first}; ${second}`;
    }
    if (s.kind === "approve") {
      const what = `${s.party} approves the ledger for ${amount === MAX_UINT256 ? "max" : fmt(amount)}`;
      return tx(m, r, what, (l) => (l.approve(who, amount), noEffects()), () => token.connect(r.signer(s.party)).approve(r.ledgerAddress, amount));
    }
    if (s.kind === "mint") {
      const value = amount === MAX_UINT256 ? 100_000_000n : amount;
      const opId = nextOp();
      return tx(m, r, `issuer mints ${fmt(value)} to ${s.party}`, (l) => (l.mint(who, value), noEffects()), () =>
        token.connect(r.signer("issuer")).mint(who, value, opId));
    }
    const target = amount === MAX_UINT256 ? s.value * 10n : amount;
    const balance = m.s.bal[who] ?? 0n;
    if (balance <= target) return `burn ${s.party} down to ${fmt(target)}: nothing to burn`;
    const burn = balance - target;
    const first = await tx(m, r, `${s.party} approves the issuer for ${fmt(burn)}`, () => noEffects(), () =>
      token.connect(r.signer(s.party)).approve(m.addr("issuer"), burn));
    const opId = nextOp();
    const second = await tx(m, r, `issuer burns ${fmt(burn)} of ${s.party} (down to ${fmt(target)})`, (l) => (l.burn(who, burn), noEffects()), () =>
      token.connect(r.signer("issuer")).burn(who, burn, opId));
    return `${first}; ${second}`;
  }
}

// ─── Clearing ─────────────────────────────────────────────────────────

class Settle extends Step {
  readonly label = "settle";
  declare readonly spec: { actor: string; ids: number[]; mode: Mode; dup: boolean };
  static arb = fc
    .record({
      actor: often(fc.constant("relayer"), anyone, 3),
      ids: often(selectors(4), fc.constant([] as number[]), 40),
      mode: weighted<Mode>([10, fc.constant("due" as Mode)], [2, fc.constant("settleable" as Mode)], [1, fc.constant("any" as Mode)]),
      dup: flag(1),
    })
    .map((s) => new Settle(s));
  async exec(m: Model, r: Real) {
    const s = this.spec;
    const xs = pickIds(m, s.ids, s.mode, s.dup);
    const sender = m.addr(s.actor);
    const opId = nextOp();
    const desc = xs.map((id) => {
      const c = m.ledger.cert(id);
      return c ? `#${id}(${statusName(c.status)} ${m.name(c.obligor)} owes ${fmt(c.amount - c.repaid)}${c.lien ? ` due ${fmt(c.lien.due)} to ${m.name(c.lien.bank)}` : ""})` : `#${id}(none)`;
    });
    return tx(m, r, `settle ${desc.join(" ")} by ${s.actor}`, (l, t) => l.settle(sender, xs, opId, t), () =>
      r.w.ledger.connect(r.signer(s.actor)).settle(xs, opId));
  }
}

type Offset = "before" | "at" | "graceEdge" | "grace" | "defaultEdge" | "default" | "after";
class Advance extends Step {
  readonly label = "advance";
  declare readonly spec: { kind: "secs" | "days" | "maturity" | "expiry"; value: bigint; cert: number; offset: Offset };
  static arb = fc
    .record({
      kind: weighted([1, fc.constant("secs" as const)], [2, fc.constant("days" as const)], [5, fc.constant("maturity" as const)], [2, fc.constant("expiry" as const)]),
      value: fc.bigInt(1n, 10n),
      cert: sel,
      offset: fc.constantFrom<Offset>("before", "at", "at", "graceEdge", "grace", "grace", "defaultEdge", "default", "default", "after"),
    })
    .map((s) => new Advance(s));
  async exec(m: Model, r: Real) {
    const s = this.spec;
    const p = m.env.params;
    let target: bigint;
    let what: string;
    if (s.kind === "secs") {
      target = ts(m) + s.value * 600n;
      what = `advance ${s.value * 600n}s`;
    } else if (s.kind === "days") {
      target = ts(m) + s.value * DAY;
      what = `advance ${s.value} days`;
    } else if (s.kind === "expiry") {
      // to the last second an offer may be accepted, or the first it may be returned by anyone
      const offers = m.s.certs.filter((c) => c.offer && c.offer.expires > ts(m));
      if (offers.length === 0) return "advance: no offer waiting";
      const c = at(offers, s.cert);
      const edge = s.offset === "before" || s.value % 2n === 0n ? -1n : 0n;
      target = c.offer!.expires + edge;
      what = `advance to the expiry of the offer of #${c.id}${edge ? " - 1s" : ""}`;
    } else {
      const off: Record<Offset, bigint> = {
        before: -1n, at: 0n, graceEdge: p.gracePeriod - 1n, grace: p.gracePeriod,
        defaultEdge: p.gracePeriod + p.defaultPeriod - 1n, default: p.gracePeriod + p.defaultPeriod,
        after: p.gracePeriod + p.defaultPeriod + s.value * 3_600n,
      };
      // offsets count unpaused time, as the grace and default periods do
      const targetOf = (c: Cert) =>
        c.maturity + off[s.offset] + (m.s.now > c.maturity ? m.s.now - c.maturity - m.ledger.activeSince(c.maturity, m.s.now) : 0n);
      const live = m.s.certs.filter((c) => [Status.Pending, Status.Offered, Status.Confirmed, Status.Financed, Status.Overdue].includes(c.status as never));
      const ahead = live.filter((c) => targetOf(c) > ts(m));
      if (live.length === 0) return "advance: no live certificate";
      const c = at(ahead.length ? ahead : live, s.cert);
      target = targetOf(c);
      what = `advance to maturity of #${c.id} ${s.offset} (${off[s.offset] >= 0n ? "+" : ""}${off[s.offset]}s)`;
    }
    // the next transaction runs at `target`
    if (target - 1n <= m.s.now) return `${what}: already past`;
    await mineAt(m, target - 1n);
    return `${what} -> t=${target}`;
  }
}

class DeclareDefault extends Step {
  readonly label = "declareDefault";
  declare readonly spec: { actor: string; pick: PickSpec };
  static arb = fc
    .record({
      actor: often(fc.constant("creditor"), fc.constantFrom("bankA", "bankB", "supplierA"), 5),
      pick: fc.record({
        ids: selectors(2),
        mode: weighted<Mode>([8, fc.constant("overdue" as Mode)], [1, fc.constant("any" as Mode)]),
        dup: flag(1),
      }),
    })
    .map((s) => new DeclareDefault(s));
  async exec(m: Model, r: Real) {
    const { pick } = this.spec;
    const xs = pickIds(m, pick.ids, pick.mode, pick.dup);
    const first = m.ledger.cert(xs[0]);
    const actor = this.spec.actor !== "creditor" ? this.spec.actor : first ? m.name(first.lien ? first.lien.bank : first.holder) : "bankA";
    const sender = m.addr(actor);
    const opId = nextOp();
    return tx(m, r, `declareDefault ${ids(xs)} by ${actor}`, (l, t) => l.declareDefault(sender, xs, opId, t), () =>
      r.w.ledger.connect(r.signer(actor)).declareDefault(xs, opId));
  }
}

class ClaimRecourse extends Step {
  readonly label = "claimRecourse";
  declare readonly spec: { actor: string; pick: PickSpec };
  static arb = fc
    .record({
      actor: often(fc.constant("lienBank"), fc.constantFrom("bankA", "bankB", "supplierA"), 5),
      pick: fc.record({
        ids: selectors(3),
        mode: weighted<Mode>([8, fc.constant("recourse" as Mode)], [1, fc.constant("defaulted" as Mode)], [1, fc.constant("any" as Mode)]),
        dup: flag(3),
      }),
    })
    .map((s) => new ClaimRecourse(s));
  async exec(m: Model, r: Real) {
    const { pick } = this.spec;
    const xs = pickIds(m, pick.ids, pick.mode, pick.dup);
    const first = m.ledger.cert(xs[0]);
    const actor = this.spec.actor !== "lienBank" ? this.spec.actor : first?.lien ? m.name(first.lien.bank) : "bankA";
    const sender = m.addr(actor);
    const opId = nextOp();
    const desc = xs.map((id) => {
      const c = m.ledger.cert(id);
      if (!c) return `#${id}(none)`;
      return `#${id}(${statusName(c.status)}${c.recourse ? " recourse" : ""} seller ${m.name(c.holder)} can pay ${fmt(m.ledger.available(c.holder))})`;
    });
    return tx(m, r, `claimRecourse ${desc.join(" ")} by ${actor}`, (l) => l.claimRecourse(sender, xs, opId), () =>
      r.w.ledger.connect(r.signer(actor)).claimRecourse(xs, opId));
  }
}

class WithdrawHeld extends Step {
  readonly label = "withdrawHeld";
  declare readonly spec: { party: number; anyone: boolean };
  static arb = fc.record({ party: sel, anyone: flag(2) }).map((s) => new WithdrawHeld(s));
  async exec(m: Model, r: Real) {
    const holders = m.env.parties.filter((p) => (m.s.held[p.address] ?? 0n) > 0n);
    const candidates = this.spec.anyone || holders.length === 0 ? m.env.parties.filter((p) => p.org) : holders;
    const p = at(candidates, this.spec.party);
    return tx(m, r, `withdrawHeldPayouts by ${p.name} (held ${fmt(m.s.held[p.address] ?? 0n)})`, (l) => l.withdrawHeld(p.address), () =>
      r.w.ledger.connect(r.signer(p.name)).withdrawHeldPayouts());
  }
}

// ─── Operator: suspension and pause ───────────────────────────────────

class Suspension extends Step {
  readonly label = "suspension";
  declare readonly spec: { org: string; wrong: boolean };
  static arb = fc.record({ org: fc.constantFrom(...ORGS), wrong: flag(1) }).map((s) => new Suspension(s));
  async exec(m: Model, r: Real) {
    const { org } = this.spec;
    const suspended = !!m.s.suspended[org];
    const doSuspend = this.spec.wrong ? suspended : !suspended;
    const id = orgId(org);
    const membership = r.w.membership.connect(r.signer("operator"));
    const opId = nextOp();
    if (doSuspend) {
      return tx(m, r, `operator suspends ${org}`, (l) => (l.suspend(org, id), noEffects()), () => membership.suspend(id, ZERO32, opId));
    }
    return tx(m, r, `operator reinstates ${org}`, (l) => (l.reinstate(org, id), noEffects()), () => membership.reinstate(id, opId));
  }
}

class Pause extends Step {
  readonly label = "pause";
  declare readonly spec: { wrong: boolean; outsider: boolean };
  static arb = fc.record({ wrong: flag(1), outsider: flag(1) }).map((s) => new Pause(s));
  async exec(m: Model, r: Real) {
    const doPause = this.spec.wrong ? m.ledger.paused() : !m.ledger.paused();
    const by = this.spec.outsider ? "outsider" : "operator";
    const ledger = r.w.ledger.connect(r.signer(by));
    const sender = m.addr(by);
    if (doPause) return tx(m, r, `${by} pauses`, (l, t) => (l.pause(sender, t), noEffects()), () => ledger.pause());
    return tx(m, r, `${by} unpauses`, (l, t) => (l.unpause(sender, t), noEffects()), () => ledger.unpause());
  }
}

/** A resubmitted operation id must be recognized and rejected. */
class Replay extends Step {
  readonly label = "replay";
  declare readonly spec: { sel: number };
  static arb = fc.record({ sel }).map((s) => new Replay(s));
  async exec(m: Model, r: Real) {
    if (m.s.ledgerOps.length === 0) return "replay: no operation yet";
    const op = at(m.s.ledgerOps, this.spec.sel);
    const name = m.name(op.sender);
    return tx(m, r, `replay op ${op.opId} of ${name} (as settle)`, (l) => l.replay(op.sender, op.opId), () =>
      r.w.ledger.connect(r.signer(name)).settle([1n], op.opId));
  }
}

/**
 * Takes one live certificate a step further along its life, the way the platform would: the
 * obligor confirms it, a bank finances it, time passes to maturity or through the grace and
 * default periods, the keeper settles it, the obligor is funded again, the creditor declares a
 * default, the bank claims recourse. Random sequences alone rarely line these steps up.
 */
class Progress extends Step {
  readonly label = "progress";
  declare readonly spec: { cert: number; choice: number };
  static arb = fc.record({ cert: sel, choice: fc.nat({ max: 99 }) }).map((s) => new Progress(s));
  async exec(m: Model, r: Real) {
    const t = ts(m);
    const p = m.env.params;
    const { choice } = this.spec;
    const elapsed = (c: Cert) => m.ledger.activeSince(c.maturity, t);
    const owedToBank = (c: Cert) => (c.lien ? c.lien.due - c.repaid - c.recovered : 0n);
    const live = m.s.certs.filter(
      (c) =>
        [Status.Pending, Status.Offered, Status.Confirmed, Status.Financed, Status.Overdue].includes(c.status as never) ||
        (c.status === Status.Defaulted && c.recourse && owedToBank(c) > 0n && m.ledger.available(c.holder) > 0n),
    );
    const held = m.env.parties.filter((x) => (m.s.held[x.address] ?? 0n) > 0n);
    if (held.length && choice < 40) {
      const payee = at(held, this.spec.cert);
      let done = "";
      if (m.s.suspended[payee.org!]) {
        r.step = "progress/suspension";
        done = `${await new Suspension({ org: payee.org!, wrong: false }).exec(m, r)}; `;
      }
      r.step = "progress/withdrawHeld";
      return `progress: ${done}${await new WithdrawHeld({ party: m.env.parties.filter((x) => x.org).indexOf(payee), anyone: true }).exec(m, r)}`;
    }
    if (live.length === 0) return "progress: nothing live";
    // mostly push the furthest-along certificate on, so that one reaches default and recourse
    const rank = (x: Cert) =>
      x.status === Status.Defaulted ? 6
      : x.status === Status.Overdue ? 5
      : x.maturity <= t ? 4
      : x.status === Status.Financed ? 3
      : x.status === Status.Confirmed ? 2
      : 1;
    const top = Math.max(...live.map(rank));
    const c = at(choice < 65 ? live.filter((x) => rank(x) === top) : live, this.spec.cert);
    const index = (mode: Mode, actor?: string) => {
      const k = pool(m, mode, actor).indexOf(c.id);
      if (k < 0) throw new Error(`progress: #${c.id} is not in pool ${mode}`);
      return k;
    };
    const name = (a: string) => m.name(a);
    let sub: Step;
    let waitUntil: bigint | undefined;
    if (c.status === Status.Offered) {
      // the receiver mostly accepts (签收); sometimes it refuses (拒签), the sender withdraws, or the offer lapses
      const offer = c.offer!;
      const lapsed = offer.expires <= t || c.maturity <= t;
      const answer = (choice * 37) % 100; // independent of how the certificate was chosen
      if (lapsed || answer >= 90) {
        if (!lapsed) await mineAt(m, (offer.expires < c.maturity ? offer.expires : c.maturity) - 1n);
        sub = new ReturnOffers({ actor: "keeper", pick: { ids: [index("expired")], mode: "expired", dup: false }, reason: false });
      } else if (answer < 70) {
        sub = new Accept({ actor: "receiver", pick: { ids: [index("offered", offer.to)], mode: "offered", dup: false } });
      } else {
        sub = new ReturnOffers({ actor: answer < 82 ? "receiver" : "sender", pick: { ids: [index("offered")], mode: "offered", dup: false }, reason: answer % 2 === 0 });
      }
    } else if (c.status === Status.Pending) {
      sub =
        choice % 3 === 0
          ? new ConfirmBySig({ obligor: name(c.obligor), wrongSigner: false, deadline: "ok", nonce: "fresh", pick: { ids: [index("own", c.obligor)], mode: "own", dup: false } })
          : new Confirm({ actor: name(c.obligor), pick: { ids: [index("own", c.obligor)], mode: "own", dup: false } });
    } else if (c.status === Status.Confirmed && c.maturity > t && choice < 60) {
      sub = new Finance({
        bank: BANKS[choice % 2],
        terms: [{ mode: "fit", cert: index("fit"), otherBank: false, due: "ok", adv: "ok", ratio: choice * 97, recourse: choice % 3 !== 0, deadline: "ok", nonce: "fresh", wrongSigner: false }],
      });
    } else if (c.maturity > t) {
      waitUntil = c.maturity + [0n, 1n, p.gracePeriod, p.gracePeriod + p.defaultPeriod][choice % 8 < 4 ? 3 : choice % 4];
      sub = this;
    } else if (c.status === Status.Defaulted) {
      // often with every defaulted certificate of this seller and bank in one batch
      const recoursePool = pool(m, "recourse");
      const sameSeller = recoursePool.filter((id) => {
        const x = m.ledger.cert(id)!;
        return x.holder === c.holder && x.lien?.bank === c.lien?.bank;
      });
      const batch = choice % 2 === 0 ? sameSeller : choice % 4 === 1 ? [c.id, c.id] : [c.id];
      const pick = { ids: batch.map((id) => recoursePool.indexOf(id)), mode: "recourse" as Mode, dup: true };
      sub = new ClaimRecourse({ actor: "lienBank", pick });
    } else if (c.status === Status.Overdue && elapsed(c) >= p.gracePeriod + p.defaultPeriod && choice < 60) {
      sub = new DeclareDefault({ actor: "creditor", pick: { ids: [index("overdue")], mode: "overdue", dup: false } });
    } else if (choice % 3 === 0 && !r.restored.has(c.obligor)) {
      // the obligor finds the money (once per sequence, or nothing would ever default)
      r.restored.add(c.obligor);
      sub = new Funding({ party: name(c.obligor), kind: "restore", amount: "max", value: 1n });
    } else if (c.status === Status.Overdue && elapsed(c) < p.gracePeriod + p.defaultPeriod && choice % 3 !== 2) {
      waitUntil = t + p.gracePeriod + p.defaultPeriod - elapsed(c);
      sub = this;
    } else {
      sub = new Settle({ actor: "relayer", ids: [index("due")], mode: "due", dup: false });
    }
    if (sub === this) {
      if (waitUntil! - 1n <= m.s.now) return `progress: #${c.id} waits for nothing`;
      await mineAt(m, waitUntil! - 1n);
      return `progress: time passes for #${c.id} (${statusName(c.status)}) -> t=${waitUntil}`;
    }
    r.step = `progress/${sub.label}`;
    return `progress: ${await sub.exec(m, r)}`;
  }
}

/** Every command, weighted towards what moves receivables along their life. */
export const commandArb: fc.Arbitrary<fc.AsyncCommand<Model, Real>> = weighted<fc.AsyncCommand<Model, Real>>(
  [12, Register.arb],
  [4, Issue.arb],
  [8, Confirm.arb],
  [4, ConfirmBySig.arb],
  [3, Reject.arb],
  [3, Cancel.arb],
  [6, Split.arb],
  [4, Transfer.arb],
  [5, Accept.arb],
  [3, ReturnOffers.arb],
  [1, ResumeObligor.arb],
  [10, Finance.arb],
  [4, SetCreditLine.arb],
  [7, Funding.arb],
  [10, Settle.arb],
  [10, Advance.arb],
  [6, DeclareDefault.arb],
  [4, ClaimRecourse.arb],
  [3, Suspension.arb],
  [2, Pause.arb],
  [2, WithdrawHeld.arb],
  [1, Replay.arb],
  [20, Progress.arb],
);

// ─── The seeded start of every sequence ───────────────────────────────

/**
 * Built once per test file and snapshotted. Two old receivables of supplierB, financed by bankB
 * with recourse, are Overdue past their default period (core2 paid nothing, was paused, and
 * governance resumed it after a restructuring); the current ones are Pending, Confirmed
 * (registered, and issued and accepted), Financed (with recourse), Split twice (down to the
 * deepest tier, each part accepted), Offered (an issue and a transfer waiting for their
 * receivers) and mature within a month. core2 and the suppliers have tight allowances, so
 * settlements fall short and recourse recovers only part; two credit lines are nearly full.
 * Every step is predicted and checked like any other.
 */
export async function seed(m: Model, r: Real): Promise<void> {
  r.step = "seed";
  const ledger = r.w.ledger;
  const item = (party: string, amount: bigint, days: bigint): ItemInput => {
    const key = freshKey(m);
    return { counterparty: m.addr(party), amount, maturity: ts(m) + days * DAY, root: keccak256(key), keys: [key] };
  };
  /** Runs one seed step, which must succeed; returns the ids it created. */
  const must = async (what: string, op: (l: Ledger, t: bigint) => Effects, call: () => Promise<ContractTransactionResponse>) => {
    const before = m.s.certs.length;
    const done = await tx(m, r, `seed: ${what}`, op, call);
    if (!done.endsWith("-> ok")) throw new Error(`seed step failed: ${done}`);
    await checkInvariants(m, r, done);
    return m.s.certs.slice(before).map((c) => c.id);
  };
  const register = (supplierName: string, items: ItemInput[]) => {
    const opId = nextOp();
    const sender = m.addr(supplierName);
    return must(`register by ${supplierName}`, (l, t) => l.register(sender, items, opId, t), async () =>
      ledger.connect(r.signer(supplierName)).register(...(await attested(ledger, r.signer(supplierName), false, items.map(toStruct))), opId));
  };
  const issue = (coreName: string, items: ItemInput[]) => {
    const opId = nextOp();
    const sender = m.addr(coreName);
    return must(`issue by ${coreName}`, (l, t) => l.issue(sender, items, opId, t), async () =>
      ledger.connect(r.signer(coreName)).issue(...(await attested(ledger, r.signer(coreName), true, items.map(toStruct))), opId));
  };
  const confirm = (coreName: string, xs: bigint[]) => {
    const opId = nextOp();
    const sender = m.addr(coreName);
    return must(`${coreName} confirms ${ids(xs)}`, (l) => l.confirm(sender, xs, opId), async () =>
      ledger.connect(r.signer(coreName)).confirm(await confirmItems(ledger, xs), opId));
  };
  const confirmBySig = async (coreName: string, xs: bigint[]) => {
    const nonce = m.ledger.freshNonce();
    const deadline = ts(m) + DAY;
    const signature = await signConfirmIntent(m, r, coreName, xs, nonce, deadline);
    const opId = nextOp();
    const relayer = m.addr("relayer");
    const obligor = m.addr(coreName);
    return must(`relayer confirms ${ids(xs)} for ${coreName}`, (l, t) => l.confirmBySig(relayer, xs, obligor, obligor, nonce, deadline, opId, t), async () =>
      ledger.connect(r.signer("relayer")).confirmBySig(await confirmItems(ledger, xs), obligor, nonce, deadline, signature, opId));
  };
  const split = (holder: string, id: bigint, parts: [string, bigint][]) => {
    const opId = nextOp();
    const sender = m.addr(holder);
    const ps = parts.map(([to, amount]) => ({ to: m.addr(to), amount }));
    return must(`${holder} splits #${id}`, (l, t) => l.split(sender, id, ps, opId, t), () =>
      ledger.connect(r.signer(holder)).split(id, ps, opId));
  };
  const finance = async (bankName: string, holder: string, list: [bigint, bigint, bigint][]) => {
    const values = list.map(([id, advance, due]) => ({
      receivableId: id, bank: m.addr(bankName), advance, due, recourse: true, agreement: agreementOf(id), nonce: m.ledger.freshNonce(), deadline: ts(m) + DAY,
    }));
    const domain = ledgerDomain(r.w.chainId, r.ledgerAddress);
    const signatures = await Promise.all(values.map((v) => r.signer(holder).signTypedData(domain, FINANCE_TERMS_TYPES, v)));
    const terms: TermsInput[] = values.map((v) => ({ ...v, id: v.receivableId, signer: m.addr(holder) }));
    const opId = nextOp();
    const sender = m.addr(bankName);
    return must(`${bankName} finances ${ids(list.map(([id]) => id))}`, (l, t) => l.finance(sender, terms, opId, t), () =>
      ledger.connect(r.signer(bankName)).finance(values, signatures, opId));
  };
  const accept = (receiver: string, xs: bigint[]) => {
    const opId = nextOp();
    const sender = m.addr(receiver);
    return must(`${receiver} accepts ${ids(xs)}`, (l, t) => l.accept(sender, xs, opId, t), () =>
      ledger.connect(r.signer(receiver)).accept(xs, opId));
  };
  const offer = (holder: string, to: string, id: bigint) => {
    const opId = nextOp();
    const [sender, receiver] = [m.addr(holder), m.addr(to)];
    return must(`${holder} offers #${id} to ${to}`, (l, t) => l.transfer(sender, receiver, id, opId, t), () =>
      ledger.connect(r.signer(holder)).transferCertificate(receiver, id, opId));
  };
  const approve = (party: string, amount: bigint) => {
    const who = m.addr(party);
    return must(`${party} approves the ledger for ${amount}`, (l) => (l.approve(who, amount), noEffects()), () =>
      r.w.token.connect(r.signer(party)).approve(r.ledgerAddress, amount));
  };

  // old receivables: matured unpaid, past the default period
  const old = await register("supplierB", [item("core2", 300_000n, 2n), item("core2", 200_000n, 2n)]);
  await confirm("core2", old);
  await finance("bankB", "supplierB", [[old[0], 250_000n, 280_000n], [old[1], 170_000n, 190_000n]]);
  await approve("core2", 0n);
  const p = m.env.params;
  await mineAt(m, m.ledger.cert(old[1])!.maturity + p.gracePeriod + p.defaultPeriod);
  {
    const opId = nextOp();
    const relayer = m.addr("relayer");
    await must(`relayer settles ${ids(old)}`, (l, t) => l.settle(relayer, old, opId, t), () =>
      ledger.connect(r.signer("relayer")).settle(old, opId));
  }
  {
    // core2 is paused by them; governance resumes it (what it owes on them stays owed)
    const [admin, core2] = [m.addr("admin"), m.addr("core2")];
    const reason = encodeBytes32String("restructuring");
    await must("governance resumes core2", (l) => l.resumeObligor(admin, core2, reason), () =>
      ledger.connect(r.signer("admin")).resumeObligor(core2, reason));
  }

  // current receivables
  const [a1] = await register("supplierA", [item("core1", 800_000n, 5n), item("core1", 300_000n, 20n)]);
  const [b1] = await register("supplierB", [item("core2", 600_000n, 10n)]);
  const [c1] = await register("supplierC", [item("core1", 1_500_000n, 30n), item("core2", 50_000n, 3n)]);
  await confirm("core1", [a1, c1]);
  await confirmBySig("core2", [b1]);
  await accept("supplierC", await issue("core2", [item("supplierC", 400_000n, 15n)]));
  await issue("core1", [item("supplierB", 250_000n, 8n)]); // waits for supplierB
  const [tier1, kept] = await split("supplierC", c1, [["supplierA", 900_000n], ["supplierC", 600_000n]]);
  await accept("supplierA", [tier1]);
  const [tier2] = await split("supplierA", tier1, [["supplierB", 500_000n], ["supplierA", 400_000n]]);
  await accept("supplierB", [tier2]);
  await offer("supplierC", "supplierB", kept); // waits for supplierB
  await finance("bankA", "supplierA", [[a1, 700_000n, 760_000n]]);
  await finance("bankB", "supplierB", [[b1, 500_000n, 560_000n]]);
  for (const [bankName, coreName, limit] of [["bankB", "core1", 1_000_000n], ["bankA", "core2", 800_000n]] as const) {
    const opId = nextOp();
    const sender = m.addr(bankName);
    const obligor = m.addr(coreName);
    await must(`${bankName} limits ${coreName} to ${limit}`, (l) => l.setCreditLine(sender, obligor, limit, opId), () =>
      ledger.connect(r.signer(bankName)).setCreditLine(obligor, limit, opId));
  }
  // suppliers pay only recourse, so tight allowances there only make recovery partial
  for (const [party, amount] of [["core2", 250_000n], ["supplierA", 400_000n], ["supplierB", 100_000n]] as const) {
    await approve(party, amount);
  }
}
