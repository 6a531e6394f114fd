import hre from "hardhat";
import type { ContractTransactionReceipt, ContractTransactionResponse, Log } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  deployWorld, loadFixture, revertOf, DAY, YUAN, INITIAL_BALANCE, CREDIT_LIMIT, type World,
} from "../fixtures";
import { BatchRead, installReader, view } from "./batch-reader";
import {
  Ledger, Status, EDGES, Role, MAX_UINT256, ZERO_ADDRESS, lineKey, statusName,
  type Env, type Party, type State, type Params, type Effects, type Rev,
} from "./model";

/**
 * Policy for the random sequences: a shallow maximum tier so that "too deep" is reachable in a
 * short sequence; the rest as in the standard world.
 */
export const PARAMS: Params = {
  maxTenor: 365n * DAY,
  maxTier: 2,
  minPartAmount: 100n * YUAN,
  gracePeriod: 3n * DAY,
  defaultPeriod: 30n * DAY,
  acceptancePeriod: 4n * DAY, // shorter than most tenors, so offers expire within a sequence
};

export async function invariantWorld(): Promise<World> {
  const w = await deployWorld({
    maxTenor: PARAMS.maxTenor,
    maxTier: PARAMS.maxTier,
    minPartAmount: PARAMS.minPartAmount,
    gracePeriod: PARAMS.gracePeriod,
    defaultPeriod: PARAMS.defaultPeriod,
    acceptancePeriod: PARAMS.acceptancePeriod,
  });
  await installReader();
  // a block after the reader, so the snapshot's latest timestamp is what every sequence starts from
  await hre.network.provider.request({ method: "evm_mine", params: [] });
  return w;
}

/** The actors of the random sequences, by name. */
export const CORES = ["core1", "core2"] as const;
export const SUPPLIERS = ["supplierA", "supplierB", "supplierC"] as const;
export const BANKS = ["bankA", "bankB"] as const;
/** Organizations the operator may suspend. */
export const ORGS = [...CORES, ...SUPPLIERS, ...BANKS] as const;
const MEMBERS: [string, number][] = [
  ["core1", Role.Core], ["core2", Role.Core],
  ["supplierA", Role.Supplier], ["supplierB", Role.Supplier], ["supplierC", Role.Supplier],
  ["bankA", Role.Bank], ["bankB", Role.Bank],
  ["auditor", Role.Auditor], ["issuer", Role.Issuer],
];
const NON_MEMBERS = ["relayer", "outsider", "operator", "admin"];

/** What the real side knows: the world and what it observed on chain. */
export class Real {
  readonly signers = new Map<string, HardhatEthersSigner>();
  readonly ledgerAddress: string;
  readonly tokenAddress: string;
  readonly membershipAddress: string;
  /** Last observed status of every certificate, for the state-machine invariant. */
  prevStatus = new Map<bigint, number>();
  /** Per-certificate payouts, summed from ReceivableCleared events. */
  payouts = new Map<bigint, { toBank: bigint; toHolder: bigint }>();
  /** Financing terms observed in ReceivableFinanced events. */
  financed = new Map<bigint, { bank: string; due: bigint }>();
  /** What each step of the current sequence did, for failure reports. */
  trace: string[] = [];
  /** Obligors the progress command has funded again in this sequence. */
  restored = new Set<string>();
  /** Label of the command being run, for statistics. */
  step = "";

  constructor(
    readonly w: World,
    addresses: { ledger: string; token: string; membership: string },
  ) {
    for (const name of [...MEMBERS.map(([n]) => n), ...NON_MEMBERS]) {
      this.signers.set(name, (w as unknown as Record<string, HardhatEthersSigner>)[name]);
    }
    this.ledgerAddress = addresses.ledger;
    this.tokenAddress = addresses.token;
    this.membershipAddress = addresses.membership;
  }

  signer(name: string): HardhatEthersSigner {
    const s = this.signers.get(name);
    if (!s) throw new Error(`no signer ${name}`);
    return s;
  }
}

/** The model side: the oracle plus the environment it needs. */
export class Model {
  constructor(public ledger: Ledger) {}
  get s(): State {
    return this.ledger.s;
  }
  get env(): Env {
    return this.ledger.env;
  }
  addr(name: string): string {
    const p = this.env.parties.find((x) => x.name === name);
    if (!p) throw new Error(`no party ${name}`);
    return p.address;
  }
  name(address: string): string {
    return this.env.byAddress.get(address)?.name ?? (address === this.env.ledger ? "ledger" : address);
  }
}

let cached: { env: Env; start: bigint; addresses: { ledger: string; token: string; membership: string } } | undefined;

/** The empty world: every party onboarded and funded, no certificate yet. */
async function emptyRun(): Promise<{ model: Model; real: Real }> {
  const w = await loadFixture(invariantWorld);
  if (!cached) {
    const addresses = {
      ledger: (await w.ledger.getAddress()).toLowerCase(),
      token: (await w.token.getAddress()).toLowerCase(),
      membership: (await w.membership.getAddress()).toLowerCase(),
    };
    const parties: Party[] = [
      ...MEMBERS.map(([name, roles]) => ({ name, roles, org: name, address: signerOf(w, name).address.toLowerCase() })),
      ...NON_MEMBERS.map((name) => ({ name, roles: 0, org: null, address: signerOf(w, name).address.toLowerCase() })),
    ];
    const env: Env = {
      params: PARAMS,
      parties,
      byAddress: new Map(parties.map((p) => [p.address, p])),
      ledger: addresses.ledger,
      issuer: signerOf(w, "issuer").address.toLowerCase(),
      note: (what) => notes.push(what),
    };
    const latest = await hre.ethers.provider.getBlock("latest");
    cached = { env, start: BigInt(latest!.timestamp), addresses };
  }
  const { env, start, addresses } = cached;
  const s: State = {
    now: start,
    pauses: [],
    suspended: Object.fromEntries(MEMBERS.map(([n]) => [n, false])),
    certs: [],
    invoice: {},
    keyList: [],
    keySeq: 0,
    lines: {},
    bal: {},
    allow: {},
    supply: 0n,
    held: {},
    usedNonces: {},
    nonceSeq: 0n,
    ledgerOps: [],
    delinquencies: {},
    resumptions: {},
  };
  const funded = ["core1", "core2", "bankA", "bankB", "supplierA", "supplierB", "supplierC"];
  for (const p of env.parties) {
    s.bal[p.address] = funded.includes(p.name) ? INITIAL_BALANCE : 0n;
    s.allow[p.address] = funded.includes(p.name) ? MAX_UINT256 : 0n;
    s.held[p.address] = 0n;
  }
  s.bal[env.ledger] = 0n;
  s.supply = INITIAL_BALANCE * BigInt(funded.length);
  for (const bank of BANKS) for (const core of CORES) s.lines[lineKey(addrOf(env, bank), addrOf(env, core))] = { limit: CREDIT_LIMIT, used: 0n };
  const model = new Model(new Ledger(env, s));
  const real = new Real(w, addresses);
  await checkInvariants(model, real, "start");
  return { model, real };
}

let seeded:
  | { snapshot: string; world: World; state: State; real: Pick<Real, "prevStatus" | "payouts" | "financed"> }
  | undefined;

/**
 * Reverts the chain to the seeded snapshot and returns the matching model and real side. The
 * seed (built once, through the same model-checked steps as the sequences) gives every sequence
 * certificates in several states to work on, so short sequences reach settlement and default.
 */
export async function freshRun(seed: (m: Model, r: Real) => Promise<void>): Promise<{ model: Model; real: Real }> {
  const provider = hre.network.provider;
  if (!seeded) {
    const run = await emptyRun();
    await seed(run.model, run.real);
    seeded = {
      snapshot: (await provider.request({ method: "evm_snapshot" })) as string,
      world: run.real.w,
      state: structuredClone(run.model.s),
      real: structuredClone({ prevStatus: run.real.prevStatus, payouts: run.real.payouts, financed: run.real.financed }),
    };
  } else {
    if (!(await provider.request({ method: "evm_revert", params: [seeded.snapshot] }))) throw new Error("snapshot lost");
    seeded.snapshot = (await provider.request({ method: "evm_snapshot" })) as string;
  }
  const model = new Model(new Ledger(cached!.env, structuredClone(seeded.state)));
  const real = new Real(seeded.world, cached!.addresses);
  const copy = structuredClone(seeded.real);
  real.prevStatus = copy.prevStatus;
  real.payouts = copy.payouts;
  real.financed = copy.financed;
  return { model, real };
}

function signerOf(w: World, name: string): HardhatEthersSigner {
  return (w as unknown as Record<string, HardhatEthersSigner>)[name];
}
function addrOf(env: Env, name: string): string {
  return env.parties.find((p) => p.name === name)!.address;
}

// ─── Coverage statistics (printed with INVARIANT_STATS=1) ──────────────

/** Notes the model makes while predicting; counted only for operations the chain confirmed. */
export const notes: string[] = [];

export const stats = {
  counts: new Map<string, number>(),
  count(key: string) {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  },
  time(key: string, t0: number) {
    this.counts.set(`ms ${key}`, (this.counts.get(`ms ${key}`) ?? 0) + Math.round(performance.now() - t0));
  },
  report(): string {
    return [...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${String(n).padStart(6)}  ${k}`).join("\n");
  },
};

// ─── Executing one transaction against both sides ──────────────────────

export type Outcome = { ok: true; receipt: ContractTransactionReceipt } | { ok: false; name: string; args: unknown[] };

/**
 * Sends one transaction at the model's next second. Hardhat mines a block for a reverting
 * transaction too, so the model's clock moves either way.
 */
export async function send(m: Model, tx: () => Promise<ContractTransactionResponse>): Promise<Outcome> {
  const t0 = performance.now();
  const ts = m.s.now + 1n;
  await hre.network.provider.request({ method: "evm_setNextBlockTimestamp", params: [Number(ts)] });
  m.s.now = ts;
  try {
    const response = await tx();
    const receipt = await response.wait();
    stats.time("send", t0);
    return { ok: true, receipt: receipt! };
  } catch (e) {
    const decoded = await revertOf(Promise.reject(e));
    stats.time("send", t0);
    return { ok: false, name: decoded.name, args: decoded.args };
  }
}

/** Mines an empty block at `ts` (time moves only forwards). */
export async function mineAt(m: Model, ts: bigint): Promise<void> {
  if (ts <= m.s.now) return;
  await hre.network.provider.request({ method: "evm_mine", params: [Number(ts)] });
  m.s.now = ts;
}

const norm = (v: unknown): unknown =>
  typeof v === "number" ? BigInt(v) : typeof v === "string" && v.startsWith("0x") ? v.toLowerCase() : v;
const show = (args: unknown[]) => args.map((a) => String(norm(a))).join(", ");

/** What the model predicted: effects, or the custom error. */
export type Expected = { ok: true; fx: Effects; next: Ledger } | { ok: false; rev: Rev };

/** Runs the model on a copy; the caller commits `next` once the chain agrees. */
export function predict(m: Model, op: (l: Ledger, ts: bigint) => Effects): Expected {
  const t0 = performance.now();
  notes.length = 0;
  const next = m.ledger.trial();
  stats.time("clone", t0);
  try {
    const fx = op(next, m.s.now + 1n);
    return { ok: true, fx, next };
  } catch (e) {
    if (e && typeof e === "object" && "errorName" in e) return { ok: false, rev: e as Rev };
    throw e;
  }
}

/**
 * Compares the chain's outcome with the model's prediction, commits the model on success and
 * returns the receipt. `what` describes the call for failure messages.
 */
export function settleOutcome(m: Model, real: Real, what: string, exp: Expected, out: Outcome): ContractTransactionReceipt | undefined {
  if (exp.ok && out.ok) {
    for (const n of notes) stats.count(n);
    const now = m.s.now;
    m.ledger = exp.next;
    m.s.now = now;
    observe(real, out.receipt);
    checkEvents(what, exp.fx, out.receipt, real);
    return out.receipt;
  }
  if (!exp.ok && !out.ok) {
    if (out.name !== exp.rev.errorName || show(out.args) !== show(exp.rev.args)) {
      throw new Error(`${what}: reverted with ${out.name}(${show(out.args)}), model expected ${exp.rev.errorName}(${show(exp.rev.args)})`);
    }
    return undefined;
  }
  if (exp.ok && !out.ok) {
    throw new Error(`${what}: reverted with ${out.name}(${show(out.args)}) but the model says it must succeed`);
  }
  const rev = (exp as { rev: Rev }).rev;
  throw new Error(`${what}: succeeded but the model says it must revert with ${rev.errorName}(${show(rev.args)})`);
}

// ─── Events ─────────────────────────────────────────────────────────────

function ledgerLogs(real: Real, receipt: ContractTransactionReceipt) {
  const out: { name: string; args: Record<string, unknown> & unknown[] }[] = [];
  for (const log of receipt.logs as Log[]) {
    if (log.address.toLowerCase() !== real.ledgerAddress) continue;
    const parsed = real.w.ledger.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed) out.push({ name: parsed.name, args: parsed.args as unknown as Record<string, unknown> & unknown[] });
  }
  return out;
}

/** Chain-derived bookkeeping that does not trust the model: payouts and financing terms. */
function observe(real: Real, receipt: ContractTransactionReceipt) {
  for (const ev of ledgerLogs(real, receipt)) {
    if (ev.name === "ReceivableCleared") {
      const id = ev.args.id as bigint;
      const p = real.payouts.get(id) ?? { toBank: 0n, toHolder: 0n };
      p.toBank += ev.args.toBank as bigint;
      p.toHolder += ev.args.toHolder as bigint;
      real.payouts.set(id, p);
    } else if (ev.name === "ReceivableFinanced") {
      real.financed.set(ev.args.id as bigint, { bank: (ev.args.bank as string).toLowerCase(), due: ev.args.due as bigint });
    }
  }
}

/** The clearing events must match the model one for one, in order. */
function checkEvents(what: string, fx: Effects, receipt: ContractTransactionReceipt, real: Real) {
  const logs = ledgerLogs(real, receipt);
  const cleared = logs
    .filter((e) => e.name === "ReceivableCleared")
    .map((e) => ({
      id: e.args.id, bank: (e.args.bank as string).toLowerCase(), holder: (e.args.holder as string).toLowerCase(),
      toBank: e.args.toBank, toHolder: e.args.toHolder, outstanding: e.args.outstanding, status: Number(e.args.status),
    }));
  expectSame(what, "ReceivableCleared events", cleared, fx.cleared);
  expectSame(what, "SettlementSkipped events", logs.filter((e) => e.name === "SettlementSkipped").map((e) => e.args.id), fx.skipped);
  const financingSkipped = logs
    .filter((e) => e.name === "FinancingSkipped")
    .map((e) => ({ id: e.args.id, reason: real.w.ledger.interface.getError(e.args.reason as string)?.name ?? String(e.args.reason) }));
  expectSame(what, "FinancingSkipped events", financingSkipped, fx.financingSkipped);
  const recovered = logs
    .filter((e) => e.name === "RecourseClaimed")
    .map((e) => ({
      id: e.args.id, bank: (e.args.bank as string).toLowerCase(), seller: (e.args.seller as string).toLowerCase(),
      amount: e.args.amount, remaining: e.args.remaining,
    }));
  expectSame(what, "RecourseClaimed events", recovered, fx.recovered);
  const defaulted = logs
    .filter((e) => e.name === "ReceivableDefaulted")
    .map((e) => ({ id: e.args.id, creditor: (e.args.creditor as string).toLowerCase(), outstanding: e.args.outstanding }));
  expectSame(what, "ReceivableDefaulted events", defaulted, fx.defaulted);
  const created = logs
    .filter((e) => e.name === "ReceivableRegistered" || e.name === "ReceivableIssued" || e.name === "ReceivableSplit")
    .map((e) => (e.name === "ReceivableSplit" ? e.args.childId : e.args.id));
  expectSame(what, "created certificate ids", created, fx.created);
  const lower = (a: unknown) => (a as string).toLowerCase();
  const offered = logs
    .filter((e) => e.name === "CertificateOffered")
    .map((e) => ({ id: e.args.id, from: lower(e.args.from), to: lower(e.args.to), expires: e.args.expires }));
  expectSame(what, "CertificateOffered events", offered, fx.offered);
  const accepted = logs.filter((e) => e.name === "OfferAccepted").map((e) => ({ id: e.args.id, to: lower(e.args.to) }));
  expectSame(what, "OfferAccepted events", accepted, fx.accepted);
  const transferred = logs
    .filter((e) => e.name === "ReceivableTransferred")
    .map((e) => ({ id: e.args.id, from: lower(e.args.from), to: lower(e.args.to) }));
  expectSame(what, "ReceivableTransferred events", transferred, fx.transferred);
  const returned = logs
    .filter((e) => e.name === "OfferReturned")
    .map((e) => ({ id: e.args.id, to: lower(e.args.to), cause: Number(e.args.cause), reason: e.args.reason }));
  expectSame(what, "OfferReturned events", returned, fx.returned);
  const paused = logs
    .filter((e) => e.name === "ObligorPaused")
    .map((e) => ({ obligor: lower(e.args.obligor), id: e.args.id, count: e.args.delinquencies }));
  expectSame(what, "ObligorPaused events", paused, fx.paused);
  const resumed = logs
    .filter((e) => e.name === "ObligorResumed")
    .map((e) => ({ obligor: lower(e.args.obligor), id: e.args.id, reason: e.args.reason }));
  expectSame(what, "ObligorResumed events", resumed, fx.resumed);
}

const j = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
function expectSame(what: string, label: string, got: unknown, want: unknown) {
  if (j(got) !== j(want)) throw new Error(`${what}: ${label} differ\n  chain: ${j(got)}\n  model: ${j(want)}`);
}

// ─── Invariants, after every step ──────────────────────────────────────

class Violations {
  list: string[] = [];
  check(cond: boolean, msg: () => string) {
    if (!cond) this.list.push(msg());
  }
  eq(label: string, got: unknown, want: unknown) {
    if (j(norm(got)) !== j(norm(want))) this.list.push(`${label}: chain ${j(norm(got))}, model ${j(norm(want))}`);
  }
}

const V = {
  lastReceivableId: view("lastReceivableId()"),
  paused: view("paused()"),
  receivable: view("receivable(uint256)"),
  ownerOf: view("ownerOf(uint256)"),
  lienOf: view("lienOf(uint256)"),
  repaymentOf: view("repaymentOf(uint256)"),
  outstandingOf: view("outstandingOf(uint256)"),
  receivableOfInvoice: view("receivableOfInvoice(bytes32)"),
  creditLine: view("creditLine(address,address)"),
  heldPayouts: view("heldPayouts(address)"),
  balanceOf: view("balanceOf(address)"),
  allowance: view("allowance(address,address)"),
  totalSupply: view("totalSupply()"),
  isActive: view("isActive(address)"),
  offerOf: view("offerOf(uint256)"),
  delinquenciesOf: view("delinquenciesOf(address)"),
};

/** Every account that could hold settlement tokens (only members can), plus the ledger itself. */
function accounts(m: Model): string[] {
  return m.env.parties.map((p) => p.address);
}
const members = (m: Model) => m.env.parties.filter((p) => p.org).map((p) => p.address);
/** States in which a certificate's holder and repayments still matter. */
const OPEN: number[] = [Status.Pending, Status.Offered, Status.Confirmed, Status.Financed, Status.Overdue, Status.Defaulted];
/** States in which a certificate no longer backs its invoice keys. */
const RELEASED: number[] = [Status.Rejected, Status.Cancelled, Status.Void];

/**
 * Reads the ledger in one call and checks the DESIGN.md invariants on the chain's state, and the
 * chain's state against the model. Every invariant is checked on every certificate after every
 * step. Calls into the 20 KB ledger are what an invariant check costs, so views that only
 * compare derived data with the model (holders of closed certificates, `outstandingOf`,
 * certificate counts per account) are read for open certificates only, and for everything at
 * the end of each sequence (`full`).
 */
export async function checkInvariants(m: Model, real: Real, step: string, full = false): Promise<void> {
  const t0 = performance.now();
  const L = real.ledgerAddress;
  const T = real.tokenAddress;
  const M = real.membershipAddress;
  const q = new BatchRead();
  const iLast = q.add(L, V.lastReceivableId);
  const iPaused = q.add(L, V.paused);
  const n = m.s.certs.length;
  const iCert = m.s.certs.map((mc) => {
    const open = full || OPEN.includes(mc.status);
    return {
      rec: q.add(L, V.receivable, mc.id),
      lien: q.add(L, V.lienOf, mc.id),
      offer: q.add(L, V.offerOf, mc.id),
      owner: open ? q.add(L, V.ownerOf, mc.id) : -1,
      rep: open ? q.add(L, V.repaymentOf, mc.id) : -1,
      out: full ? q.add(L, V.outstandingOf, mc.id) : -1,
    };
  });
  const iKeys = m.s.keyList.map((key) => q.add(L, V.receivableOfInvoice, key));
  const lineKeys: [string, string][] = [];
  for (const b of BANKS) for (const c of CORES) lineKeys.push([m.addr(b), m.addr(c)]);
  const iLines = lineKeys.map(([b, c]) => q.add(L, V.creditLine, b, c));
  const iDelinquent = CORES.map((c) => q.add(L, V.delinquenciesOf, m.addr(c)));
  const accts = accounts(m);
  const mem = members(m);
  const iBal = accts.map((a) => q.add(T, V.balanceOf, a));
  const iAllow = accts.map((a) => (full || m.s.allow[a] !== 0n || mem.includes(a) ? q.add(T, V.allowance, a, L) : -1));
  const iHeld = accts.map((a) => (full || mem.includes(a) ? q.add(L, V.heldPayouts, a) : -1));
  const iNft = accts.map((a) => (full ? q.add(L, V.balanceOf, a) : -1));
  const iActive = accts.map((a) => (full || mem.includes(a) ? q.add(M, V.isActive, a) : -1));
  const iLedgerBal = q.add(T, V.balanceOf, L);
  const iSupply = q.add(T, V.totalSupply);
  stats.time("build reads", t0);
  const t1 = performance.now();
  await q.run();
  stats.time("eth_call reads", t1);
  const t2 = performance.now();

  const v = new Violations();
  v.eq("lastReceivableId", q.uint(iLast), BigInt(n));
  v.eq("paused", q.bool(iPaused), m.ledger.paused());

  // chain view of every certificate
  const chain = iCert.map((ix, k) => ({
    id: BigInt(k + 1),
    obligor: q.address(ix.rec, 0),
    amount: q.uint(ix.rec, 1),
    status: Number(q.uint(ix.rec, 2)),
    flags: Number(q.uint(ix.rec, 3)),
    creditor: q.address(ix.rec, 4),
    maturity: q.uint(ix.rec, 5),
    tier: Number(q.uint(ix.rec, 6)),
    parentId: q.uint(ix.rec, 7),
    root: q.bytes32(ix.rec, 8),
    lienBank: q.address(ix.lien, 0),
    lienDue: q.uint(ix.lien, 1),
    offerTo: q.address(ix.offer, 0),
    offerExpires: q.uint(ix.offer, 1),
    owner: ix.owner >= 0 ? q.address(ix.owner) : undefined,
    repaid: ix.rep >= 0 ? q.uint(ix.rep, 0) : undefined,
    recovered: ix.rep >= 0 ? q.uint(ix.rep, 1) : undefined,
    outstanding: ix.out >= 0 ? q.uint(ix.out) : undefined,
  }));
  const byId = new Map(chain.map((c) => [c.id, c]));

  for (const c of chain) {
    const mc = m.s.certs[Number(c.id) - 1];
    const tag = `#${c.id}`;
    // the chain against the model
    v.eq(`${tag} status`, statusName(c.status), statusName(mc.status));
    v.eq(`${tag} obligor`, c.obligor, mc.obligor);
    v.eq(`${tag} creditor`, c.creditor, mc.creditor);
    v.eq(`${tag} amount`, c.amount, mc.amount);
    v.eq(`${tag} maturity`, c.maturity, mc.maturity);
    v.eq(`${tag} tier`, c.tier, mc.tier);
    v.eq(`${tag} parentId`, c.parentId, mc.parentId);
    v.eq(`${tag} invoicesRoot`, c.root, mc.root);
    v.eq(`${tag} recourse flag`, (c.flags & 1) !== 0, mc.recourse);
    if (c.owner !== undefined) v.eq(`${tag} holder`, c.owner, mc.holder);
    if (c.recovered !== undefined) v.eq(`${tag} recovered`, c.recovered, mc.recovered);
    if (c.repaid !== undefined && mc.status !== Status.Settled) v.eq(`${tag} repaid`, c.repaid, mc.repaid);
    if (c.outstanding !== undefined) {
      const owes = [Status.Confirmed, Status.Financed, Status.Overdue, Status.Defaulted].includes(mc.status as never);
      v.eq(`${tag} outstandingOf`, c.outstanding, owes ? mc.amount - mc.repaid : 0n);
    }

    // at most one encumbrance, present exactly while financed and not settled
    v.eq(`${tag} lien`, { bank: c.lienBank, due: c.lienDue }, mc.lien ?? { bank: ZERO_ADDRESS, due: 0n });
    const hasLien = c.lienBank !== ZERO_ADDRESS;
    v.check(!hasLien || [Status.Financed, Status.Overdue, Status.Defaulted].includes(c.status as never), () =>
      `${tag} carries a lien in status ${statusName(c.status)}`);
    v.check(c.status !== Status.Financed || hasLien, () => `${tag} is Financed without a lien`);

    // an offer exists exactly while Offered, and names another account than the holder unless issued
    v.eq(`${tag} offer`, { to: c.offerTo, expires: c.offerExpires }, mc.offer ? { to: mc.offer.to, expires: mc.offer.expires } : { to: ZERO_ADDRESS, expires: 0n });
    v.check((c.status === Status.Offered) === (c.offerTo !== ZERO_ADDRESS), () => `${tag} is ${statusName(c.status)} with offer to ${c.offerTo}`);
    if (c.status === Status.Offered && c.owner !== undefined) {
      // an issued certificate waits for its creditor; a transfer or split part for someone other than its holder
      const issued = c.parentId === 0n && c.offerTo === c.creditor && c.owner === c.creditor;
      v.check(issued || c.offerTo !== c.owner, () => `${tag} is offered to its own holder ${c.owner}`);
    }

    // states only move along the edges
    const prev = real.prevStatus.get(c.id) ?? Status.None;
    v.check(prev === c.status || (EDGES[prev] ?? []).includes(c.status), () =>
      `${tag} moved ${statusName(prev)} -> ${statusName(c.status)}, not an edge of the state machine`);

    // at settlement the bank receives exactly min(face, due) and the holder the rest
    const paid = real.payouts.get(c.id) ?? { toBank: 0n, toHolder: 0n };
    const fin = real.financed.get(c.id);
    const bankShare = fin ? (fin.due < c.amount ? fin.due : c.amount) : 0n;
    v.check(paid.toBank <= bankShare, () => `${tag} bank was paid ${paid.toBank} > min(face, due) = ${bankShare}`);
    if (c.status === Status.Settled) {
      v.check(paid.toBank === bankShare && paid.toHolder === c.amount - bankShare, () =>
        `${tag} settled paying bank ${paid.toBank} and holder ${paid.toHolder}; expected ${bankShare} and ${c.amount - bankShare}`);
    }
    v.eq(`${tag} paid to bank`, paid.toBank, mc.paidToBank);
    v.eq(`${tag} paid to holder`, paid.toHolder, mc.paidToHolder);
  }

  // split parts sum to the parent, keep obligor and maturity, record parent and tier + 1
  for (const p of chain.filter((c) => c.status === Status.Split)) {
    const kids = chain.filter((c) => c.parentId === p.id);
    const sum = kids.reduce((a, c) => a + c.amount, 0n);
    v.check(kids.length >= 2 && sum === p.amount, () => `split #${p.id} of ${p.amount} has ${kids.length} parts summing to ${sum}`);
    for (const k of kids) {
      v.check(k.obligor === p.obligor && k.maturity === p.maturity && k.tier === p.tier + 1, () =>
        `part #${k.id} of #${p.id} does not keep obligor/maturity or tier+1`);
    }
  }
  for (const c of chain.filter((x) => x.parentId !== 0n)) {
    v.check(byId.get(c.parentId)?.status === Status.Split, () => `#${c.id} names parent #${c.parentId}, which is not Split`);
  }

  // an invoice key backs at most one live receivable; released keys read 0, confirmed ones never
  const keyIndex = new Map(m.s.keyList.map((key, k) => [key, k]));
  m.s.keyList.forEach((key, k) => {
    const got = q.uint(iKeys[k]);
    v.eq(`receivableOfInvoice(${key.slice(0, 10)})`, got, m.ledger.backing(key));
    if (got !== 0n) {
      const c = byId.get(got);
      v.check(!!c && !RELEASED.includes(c.status), () =>
        `invoice ${key.slice(0, 10)} backs #${got} in status ${c ? statusName(c.status) : "none"}`);
    }
  });
  for (const c of chain) {
    if (RELEASED.includes(c.status)) continue;
    for (const key of m.s.certs[Number(c.id) - 1].keys) {
      const got = q.uint(iKeys[keyIndex.get(key)!]);
      v.check(got === c.id, () => `live #${c.id} (${statusName(c.status)}) is backed by invoice ${key.slice(0, 10)}, which points to #${got}`);
    }
  }

  // charged credit == outstanding financings per bank and obligor, and never above the limit
  lineKeys.forEach(([bank, core], k) => {
    const line = { limit: q.uint(iLines[k], 0), used: q.uint(iLines[k], 1) };
    let outstanding = 0n;
    for (const c of chain) {
      if (c.lienBank !== bank || c.obligor !== core) continue;
      if (c.status !== Status.Financed && c.status !== Status.Overdue) continue;
      const repaid = c.repaid ?? 0n; // read for every open certificate
      outstanding += c.lienDue - (repaid < c.lienDue ? repaid : c.lienDue);
    }
    const label = `creditLine(${m.name(bank)}, ${m.name(core)})`;
    v.check(line.used === outstanding, () => `${label}.used = ${line.used}, outstanding financings = ${outstanding}`);
    v.check(line.used <= line.limit, () => `${label}.used ${line.used} > limit ${line.limit}`);
    v.eq(label, line, m.s.lines[lineKey(bank, core)]);
  });

  // an obligor is paused exactly while it has a certificate counted delinquent since its last
  // resumption that is still Overdue or Defaulted
  CORES.forEach((name, k) => {
    const obligor = m.addr(name);
    const got = q.uint(iDelinquent[k]);
    const since = (m.s.resumptions[obligor] ?? 0) + 1;
    const counted = chain.filter((c) => {
      const mc = m.s.certs[Number(c.id) - 1];
      return c.obligor === obligor && (c.status === Status.Overdue || c.status === Status.Defaulted) && mc.delinquentSince === since;
    }).length;
    v.check(got === BigInt(counted), () => `delinquenciesOf(${name}) = ${got}, but ${counted} of its certificates are delinquent since its last resumption`);
    v.eq(`delinquenciesOf(${name})`, got, m.s.delinquencies[obligor] ?? 0n);
  });

  // settlement tokens are conserved; the ledger holds exactly the held payouts
  let sum = 0n;
  let heldSum = 0n;
  accts.forEach((a, k) => {
    const who = m.name(a);
    const bal = q.uint(iBal[k]);
    sum += bal;
    v.eq(`balanceOf(${who})`, bal, m.s.bal[a]);
    if (iAllow[k] >= 0) v.eq(`allowance(${who}, ledger)`, q.uint(iAllow[k]), m.s.allow[a]);
    if (iActive[k] >= 0) v.eq(`isActive(${who})`, q.bool(iActive[k]), m.ledger.isActive(a));
    if (iHeld[k] >= 0) {
      const held = q.uint(iHeld[k]);
      heldSum += held;
      v.eq(`heldPayouts(${who})`, held, m.s.held[a]);
    }
    if (iNft[k] >= 0) v.eq(`certificates held by ${who}`, q.uint(iNft[k]), BigInt(m.s.certs.filter((c) => c.holder === a).length));
  });
  const ledgerBal = q.uint(iLedgerBal);
  const supply = q.uint(iSupply);
  v.check(supply === sum + ledgerBal, () => `totalSupply ${supply} != balances ${sum} + ledger ${ledgerBal}`);
  v.check(ledgerBal === heldSum, () => `ledger balance ${ledgerBal} != held payouts ${heldSum}`);
  v.eq("totalSupply (moves only by mint/burn)", supply, m.s.supply);
  v.eq("ledger balance", ledgerBal, m.s.bal[m.env.ledger]);

  for (const c of chain) {
    const prev = real.prevStatus.get(c.id) ?? Status.None;
    if (prev !== c.status) stats.count(`edge ${statusName(prev)} -> ${statusName(c.status)}`);
    real.prevStatus.set(c.id, c.status);
  }
  stats.time("check", t2);
  if (v.list.length) throw new Error(`invariants broken after ${step}:\n  - ${v.list.join("\n  - ")}`);
}
