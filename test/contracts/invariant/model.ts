/**
 * The oracle: a small re-implementation of the ledger's rules (DESIGN.md, "Ledger") over plain
 * data. Every operation either returns its effects or throws `Rev` with the custom error the
 * ledger must revert with. Operations run on a clone of the state (`Ledger.trial`), so a
 * predicted revert leaves the model untouched, exactly like a reverted transaction.
 *
 * Which error is reported when several checks fail follows the order the interfaces document
 * and the contracts implement (modifiers, then operation id, then caller, then per item).
 */

export const Status = {
  None: 0,
  Pending: 1,
  Confirmed: 2,
  Financed: 3,
  Split: 4,
  Settled: 5,
  Overdue: 6,
  Defaulted: 7,
  Rejected: 8,
  Cancelled: 9,
  Offered: 10, // waiting for its receiver's acceptance (签收)
  Void: 11, // an issued certificate returned unaccepted
} as const;
/** Why an offer went back (OfferReturned's cause). */
export const OfferReturn = { Refused: 0, Withdrawn: 1, Expired: 2 } as const;
export const STATUS_NAMES = Object.keys(Status) as (keyof typeof Status)[];
export const statusName = (s: number | bigint) => STATUS_NAMES[Number(s)] ?? `?${s}`;

/**
 * The state machine's edges (DESIGN.md, LedgerTypes.sol); anything else is a bug. None → Offered
 * is an issue or a split part for another supplier, None → Confirmed the splitter's own part;
 * Confirmed → Offered a transfer; Offered → Confirmed an acceptance (or a transfer or split part
 * returned to its sender), Offered → Void an issued certificate returned unaccepted.
 */
export const EDGES: Record<number, number[]> = {
  [Status.None]: [Status.Pending, Status.Offered, Status.Confirmed],
  [Status.Pending]: [Status.Confirmed, Status.Rejected, Status.Cancelled],
  [Status.Offered]: [Status.Confirmed, Status.Void],
  [Status.Confirmed]: [Status.Offered, Status.Financed, Status.Split, Status.Settled, Status.Overdue],
  [Status.Financed]: [Status.Settled, Status.Overdue],
  [Status.Overdue]: [Status.Settled, Status.Defaulted],
};

export const Role = { Core: 1, Supplier: 2, Bank: 4, Auditor: 8, Issuer: 16 } as const;

export const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_UINT80 = (1n << 80n) - 1n;
const MAX_UINT128 = (1n << 128n) - 1n;
/** ReceivableLedger.MAX_OPERATOR_PAUSE: an operator's pause ends by itself after 7 days. */
const MAX_OPERATOR_PAUSE = 7n * 24n * 3600n;
const ZERO = "0x0000000000000000000000000000000000000000";

export class Rev extends Error {
  constructor(
    readonly errorName: string,
    readonly args: unknown[],
  ) {
    super(`${errorName}(${args.map(String).join(", ")})`);
  }
}
const rev = (name: string, ...args: unknown[]): never => {
  throw new Rev(name, args);
};

export interface Params {
  maxTenor: bigint;
  maxTier: number;
  minPartAmount: bigint;
  gracePeriod: bigint;
  defaultPeriod: bigint;
  acceptancePeriod: bigint;
}

export interface Party {
  name: string;
  address: string; // lower case
  roles: number; // business roles of its organization (0: not a member)
  org: string | null; // organization name
}

export interface Env {
  params: Params;
  parties: Party[];
  byAddress: Map<string, Party>;
  ledger: string; // lower case
  issuer: string;
  /** Coverage notes (which rule fired), for statistics only. */
  note: (what: string) => void;
}

export interface Cert {
  id: bigint;
  obligor: string;
  creditor: string;
  holder: string;
  amount: bigint;
  maturity: bigint;
  status: number;
  tier: number;
  parentId: bigint;
  root: string; // ZERO for split parts
  keys: string[];
  children: bigint[];
  recourse: boolean;
  /** The current encumbrance: present from financing until settlement. */
  lien: { bank: string; due: bigint } | null;
  /** The financing terms, kept after settlement for the payout invariant. */
  financing: { bank: string; due: bigint; advance: bigint } | null;
  repaid: bigint; // collected from the obligor
  recovered: bigint; // collected from the seller by recourse
  paidToBank: bigint;
  paidToHolder: bigint;
  /** While Offered: who it waits for, until when, and who offered it (the obligor for an issue, else the holder). */
  offer: { to: string; expires: bigint; from: string } | null;
  /** Its obligor's resumption count + 1 when it became delinquent (Overdue); 0 if it never did. */
  delinquentSince: number;
}

export interface State {
  now: bigint; // timestamp of the latest block
  /** Each pause with its end: an operator's pause ends by itself MAX_OPERATOR_PAUSE after it began. */
  pauses: { start: bigint; end: bigint }[];
  suspended: Record<string, boolean>;
  certs: Cert[]; // certs[id - 1]
  invoice: Record<string, bigint>; // invoice key -> the id it was last registered to
  keyList: string[]; // every key ever used, in order of first use
  keySeq: number;
  lines: Record<string, { limit: bigint; used: bigint }>; // `${bank}|${obligor}`
  bal: Record<string, bigint>;
  allow: Record<string, bigint>; // allowance to the ledger
  supply: bigint;
  held: Record<string, bigint>;
  usedNonces: Record<string, bigint[]>;
  nonceSeq: bigint;
  ledgerOps: { sender: string; opId: bigint }[]; // successful ledger operations, for replays
  /** Per obligor: certificates counted delinquent since its last resumption (delinquenciesOf). */
  delinquencies: Record<string, bigint>;
  /** Per obligor: how often governance resumed it. */
  resumptions: Record<string, number>;
}

export interface Cleared {
  id: bigint;
  bank: string;
  holder: string;
  toBank: bigint;
  toHolder: bigint;
  outstanding: bigint;
  status: number;
}
export interface Recovered {
  id: bigint;
  bank: string;
  seller: string;
  amount: bigint;
  remaining: bigint;
}
export interface Defaulted {
  id: bigint;
  creditor: string;
  outstanding: bigint;
}

export interface Offered {
  id: bigint;
  from: string;
  to: string;
  expires: bigint;
}
export interface Returned {
  id: bigint;
  to: string;
  cause: number;
  reason: string;
}

export interface Effects {
  created: bigint[];
  offered: Offered[];
  accepted: { id: bigint; to: string }[];
  /** ReceivableTransferred: accepted transfers and split parts (from the sender to the receiver). */
  transferred: { id: bigint; from: string; to: string }[];
  returned: Returned[];
  /** ObligorPaused / ObligorResumed of settlements and resumptions (id 0: governance). */
  paused: { obligor: string; id: bigint; count: bigint }[];
  resumed: { obligor: string; id: bigint; reason: string }[];
  cleared: Cleared[];
  /** Certificates a settlement skipped (SettlementSkipped). */
  skipped: bigint[];
  /** Terms a financing batch skipped (FinancingSkipped): the certificate and the error's name. */
  financingSkipped: { id: bigint; reason: string }[];
  recovered: Recovered[];
  defaulted: Defaulted[];
}
export const noEffects = (): Effects => ({
  created: [], offered: [], accepted: [], transferred: [], returned: [], paused: [], resumed: [],
  cleared: [], skipped: [], financingSkipped: [], recovered: [], defaulted: [],
});

export interface ItemInput {
  counterparty: string;
  amount: bigint;
  maturity: bigint;
  root: string;
  keys: string[];
}
export interface TermsInput {
  id: bigint;
  bank: string;
  advance: bigint;
  due: bigint;
  recourse: boolean;
  nonce: bigint;
  deadline: bigint;
  signer: string; // who actually signed
}

export const lineKey = (bank: string, obligor: string) => `${bank}|${obligor}`;
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** The rules, applied to `s` at block time `ts`. */
export class Ledger {
  constructor(
    readonly env: Env,
    readonly s: State,
  ) {}

  /** A copy to try an operation on. */
  trial(): Ledger {
    return new Ledger(this.env, structuredClone(this.s));
  }

  // ─── Lookups ────────────────────────────────────────────────────────

  cert(id: bigint): Cert | undefined {
    return id >= 1n && id <= BigInt(this.s.certs.length) ? this.s.certs[Number(id) - 1] : undefined;
  }
  get lastId(): bigint {
    return BigInt(this.s.certs.length);
  }
  activeRoles(addr: string): number {
    const p = this.env.byAddress.get(addr);
    if (!p || !p.org || this.s.suspended[p.org]) return 0;
    return p.roles;
  }
  isActive(addr: string): boolean {
    return this.activeRoles(addr) !== 0;
  }
  /** The certificate an invoice key backs, 0 if none or released. */
  backing(key: string): bigint {
    const id = this.s.invoice[key] ?? 0n;
    if (id === 0n) return 0n;
    const c = this.cert(id); // not yet written while its own item is being created: counts as live
    if (c && (c.status === Status.Rejected || c.status === Status.Cancelled || c.status === Status.Void)) return 0n;
    return id;
  }
  line(bank: string, obligor: string) {
    return (this.s.lines[lineKey(bank, obligor)] ??= { limit: 0n, used: 0n });
  }
  /** Unpaused seconds in [from, ts]. */
  activeSince(from: bigint, ts: bigint): bigint {
    if (from >= ts) return 0n;
    let paused = 0n;
    for (const p of this.s.pauses) {
      const end = p.end;
      const lo = p.start > from ? p.start : from;
      const hi = end < ts ? end : ts;
      if (hi > lo) paused += hi - lo;
    }
    return ts - from - paused;
  }
  nonceUsed(signer: string, nonce: bigint): boolean {
    return (this.s.usedNonces[signer] ?? []).includes(nonce);
  }
  freshNonce(): bigint {
    return ++this.s.nonceSeq;
  }

  // ─── Checks shared by the operations ───────────────────────────────

  private requireRole(addr: string, role: number) {
    const roles = this.activeRoles(addr);
    if (roles === 0) rev("MemberInactive", addr);
    if ((roles & role) === 0) rev("MemberRoleMissing", addr, BigInt(role));
  }
  private requireActive(addr: string) {
    if (!this.isActive(addr)) rev("MemberInactive", addr);
  }
  /** Paused at `ts` (now by default): the last pause has not ended. */
  paused(ts = this.s.now): boolean {
    const last = this.s.pauses.at(-1);
    return last !== undefined && ts < last.end;
  }
  private whenNotPaused() {
    if (this.paused()) rev("EnforcedPause");
  }
  private existing(id: bigint): Cert {
    const c = this.cert(id);
    if (!c) return rev("ReceivableNotFound", id);
    return c;
  }
  private pending(id: bigint): Cert {
    const c = this.existing(id);
    if (c.status !== Status.Pending) rev("ReceivableInvalidStatus", id, BigInt(c.status), BigInt(Status.Pending));
    return c;
  }
  private transferable(id: bigint, ts: bigint): Cert {
    const c = this.existing(id);
    if (c.status !== Status.Confirmed) rev("ReceivableInvalidStatus", id, BigInt(c.status), BigInt(Status.Confirmed));
    if (ts >= c.maturity) rev("ReceivableMatured", id, c.maturity);
    return c;
  }
  private nonEmpty(n: number) {
    if (n === 0) rev("LedgerEmptyBatch");
  }
  /** An obligor with a certificate overdue beyond grace (or defaulted) may not issue or confirm. */
  private requireNotDelinquent(obligor: string) {
    const count = this.s.delinquencies[obligor] ?? 0n;
    if (count !== 0n) rev("ObligorDelinquent", obligor, count);
  }
  private offered(id: bigint): Cert {
    const c = this.existing(id);
    if (c.status !== Status.Offered) rev("ReceivableInvalidStatus", id, BigInt(c.status), BigInt(Status.Offered));
    return c;
  }
  private offer(c: Cert, from: string, to: string, expires: bigint, fx: Effects) {
    c.offer = { to, expires, from };
    fx.offered.push({ id: c.id, from, to, expires });
  }
  private useIntent(claimed: string, signer: string, nonce: bigint, deadline: bigint, ts: bigint) {
    const problem = this.intentProblem(claimed, signer, nonce, deadline, ts);
    if (problem) rev(problem.name, ...problem.args);
  }
  /** Spends the nonce of a good intent; else spends nothing and says why it is not good. */
  private intentProblem(claimed: string, signer: string, nonce: bigint, deadline: bigint, ts: bigint): { name: string; args: unknown[] } | null {
    if (ts > deadline) return { name: "SignatureExpired", args: [deadline, ts] };
    if (this.nonceUsed(claimed, nonce)) return { name: "SignatureNonceUsed", args: [claimed, nonce] };
    if (signer !== claimed) return { name: "SignatureInvalid", args: [claimed] };
    (this.s.usedNonces[claimed] ??= []).push(nonce);
    return null;
  }
  private recordOp(sender: string, opId: bigint) {
    this.s.ledgerOps.push({ sender, opId });
  }

  // ─── Settlement token ──────────────────────────────────────────────

  private eligible(addr: string) {
    return addr === this.env.ledger || this.isActive(addr);
  }
  /** ERC-20 transferFrom by the ledger: allowance, then eligibility of both ends, then balance. */
  private pull(from: string, to: string, amount: bigint) {
    const allowance = this.s.allow[from] ?? 0n;
    if (allowance < MAX_UINT256) {
      if (allowance < amount) rev("ERC20InsufficientAllowance", this.env.ledger, allowance, amount);
      this.s.allow[from] = allowance - amount;
    }
    this.move(from, to, amount);
  }
  private move(from: string, to: string, amount: bigint) {
    if (!this.eligible(from)) rev("SettlementAccountNotEligible", from);
    if (!this.eligible(to)) rev("SettlementAccountNotEligible", to);
    const balance = this.s.bal[from] ?? 0n;
    if (balance < amount) rev("ERC20InsufficientBalance", from, balance, amount);
    this.s.bal[from] = balance - amount;
    this.s.bal[to] = (this.s.bal[to] ?? 0n) + amount;
  }
  /** What the ledger can pull from `account` now. */
  available(account: string): bigint {
    if (!this.isActive(account)) return 0n;
    return min(this.s.bal[account] ?? 0n, this.s.allow[account] ?? 0n);
  }
  /** A clearing payout: held by the ledger when the payee may not receive now. */
  private payout(from: string, to: string, amount: bigint) {
    if (amount === 0n) return;
    if (!this.isActive(to)) {
      this.env.note("settle: payout held for an inactive payee");
      this.s.held[to] = (this.s.held[to] ?? 0n) + amount;
      to = this.env.ledger;
    }
    this.pull(from, to, amount);
  }

  approve(owner: string, amount: bigint) {
    this.s.allow[owner] = amount;
  }
  mint(account: string, amount: bigint) {
    if (amount === 0n) rev("SettlementZeroAmount");
    if (!this.eligible(account)) rev("SettlementAccountNotEligible", account);
    this.s.bal[account] = (this.s.bal[account] ?? 0n) + amount;
    this.s.supply += amount;
  }
  /** Issuer burns `amount` of `account`, which approved exactly that much to the issuer. */
  burn(account: string, amount: bigint) {
    if (amount === 0n) rev("SettlementZeroAmount");
    if (!this.eligible(account)) rev("SettlementAccountNotEligible", account);
    const balance = this.s.bal[account] ?? 0n;
    if (balance < amount) rev("ERC20InsufficientBalance", account, balance, amount);
    this.s.bal[account] = balance - amount;
    this.s.supply -= amount;
  }

  // ─── Membership and pause ──────────────────────────────────────────

  suspend(org: string, orgId: string) {
    if (this.s.suspended[org]) rev("MembershipSuspensionUnchanged", orgId, true);
    this.s.suspended[org] = true;
  }
  reinstate(org: string, orgId: string) {
    if (!this.s.suspended[org]) rev("MembershipSuspensionUnchanged", orgId, false);
    this.s.suspended[org] = false;
  }
  private requireOperator(sender: string) {
    if (this.env.byAddress.get(sender)?.name !== "operator") rev("MembershipUnauthorizedOperator", sender);
  }
  pause(sender: string, ts: bigint) {
    this.requireOperator(sender);
    if (this.paused(ts)) rev("EnforcedPause");
    this.s.pauses.push({ start: ts, end: ts + MAX_OPERATOR_PAUSE });
  }
  unpause(sender: string, ts: bigint) {
    this.requireOperator(sender);
    if (!this.paused(ts)) rev("ExpectedPause");
    this.s.pauses[this.s.pauses.length - 1].end = ts;
  }

  // ─── Creation ──────────────────────────────────────────────────────

  register(sender: string, items: ItemInput[], opId: bigint, ts: bigint): Effects {
    this.whenNotPaused();
    this.requireRole(sender, Role.Supplier);
    return this.createAll(sender, items, opId, ts, false);
  }
  issue(sender: string, items: ItemInput[], opId: bigint, ts: bigint): Effects {
    this.whenNotPaused();
    this.requireRole(sender, Role.Core);
    this.requireNotDelinquent(sender);
    return this.createAll(sender, items, opId, ts, true);
  }
  private createAll(sender: string, items: ItemInput[], opId: bigint, ts: bigint, issued: boolean): Effects {
    this.nonEmpty(items.length);
    const fx = noEffects();
    const latest = ts + this.env.params.maxTenor;
    for (const item of items) {
      this.requireRole(item.counterparty, issued ? Role.Supplier : Role.Core);
      const [obligor, creditor] = issued ? [sender, item.counterparty] : [item.counterparty, sender];
      const id = this.lastId + 1n;
      if (item.amount === 0n || item.amount > MAX_UINT80) rev("ReceivableAmountOutOfRange", item.amount);
      if (item.maturity <= ts) rev("ReceivableMaturityInPast", item.maturity, ts);
      if (item.maturity > latest) rev("ReceivableTenorTooLong", item.maturity, latest);
      if (item.keys.length === 0 || BigInt(item.root) === 0n) rev("ReceivableNoInvoices");
      for (const key of item.keys) {
        const existing = this.backing(key);
        if (existing !== 0n) rev("ReceivableDuplicateInvoice", key, existing);
        this.s.invoice[key] = id;
        if (!this.s.keyList.includes(key)) this.s.keyList.push(key);
      }
      const c = this.newCert(id, obligor, creditor, item.amount, item.maturity, issued ? Status.Offered : Status.Pending, 0, 0n, item.root, [...item.keys]);
      this.s.certs.push(c);
      fx.created.push(id);
      if (issued) this.offer(c, obligor, creditor, ts + this.env.params.acceptancePeriod, fx);
    }
    this.recordOp(sender, opId);
    return fx;
  }
  private newCert(
    id: bigint, obligor: string, creditor: string, amount: bigint, maturity: bigint, status: number,
    tier: number, parentId: bigint, root: string, keys: string[],
  ): Cert {
    return {
      id, obligor, creditor, holder: creditor, amount, maturity, status, tier, parentId, root, keys, children: [],
      recourse: false, lien: null, financing: null, repaid: 0n, recovered: 0n, paidToBank: 0n, paidToHolder: 0n,
      offer: null, delinquentSince: 0,
    };
  }

  // ─── Confirmation ──────────────────────────────────────────────────

  confirm(sender: string, ids: bigint[], opId: bigint): Effects {
    this.whenNotPaused();
    this.requireRole(sender, Role.Core);
    this.requireNotDelinquent(sender);
    this.confirmAll(ids, sender);
    this.recordOp(sender, opId);
    return noEffects();
  }
  confirmBySig(
    relayer: string, ids: bigint[], obligor: string, signer: string, nonce: bigint, deadline: bigint, opId: bigint, ts: bigint,
  ): Effects {
    this.whenNotPaused();
    this.useIntent(obligor, signer, nonce, deadline, ts);
    this.requireRole(obligor, Role.Core);
    this.requireNotDelinquent(obligor);
    this.confirmAll(ids, obligor);
    this.recordOp(relayer, opId);
    return noEffects();
  }
  private confirmAll(ids: bigint[], obligor: string) {
    this.nonEmpty(ids.length);
    for (const id of ids) {
      const c = this.pending(id);
      if (c.obligor !== obligor) rev("ReceivableNotObligor", id, obligor);
      c.status = Status.Confirmed;
    }
  }
  reject(sender: string, ids: bigint[], opId: bigint): Effects {
    this.whenNotPaused();
    this.requireRole(sender, Role.Core);
    this.nonEmpty(ids.length);
    for (const id of ids) {
      const c = this.pending(id);
      if (c.obligor !== sender) rev("ReceivableNotObligor", id, sender);
      c.status = Status.Rejected; // its keys are free again
    }
    this.recordOp(sender, opId);
    return noEffects();
  }
  cancel(sender: string, ids: bigint[], opId: bigint): Effects {
    this.whenNotPaused();
    this.requireActive(sender);
    this.nonEmpty(ids.length);
    for (const id of ids) {
      const c = this.pending(id);
      if (c.holder !== sender) rev("ReceivableNotHolder", id, sender);
      c.status = Status.Cancelled;
    }
    this.recordOp(sender, opId);
    return noEffects();
  }

  // ─── Split and transfer ────────────────────────────────────────────

  split(sender: string, id: bigint, parts: { to: string; amount: bigint }[], opId: bigint, ts: bigint): Effects {
    this.whenNotPaused();
    this.requireActive(sender);
    const parent = this.transferable(id, ts);
    if (parent.holder !== sender) rev("ReceivableNotHolder", id, sender);
    if (parts.length < 2) rev("SplitTooFewParts", BigInt(parts.length));
    const tier = parent.tier + 1;
    if (tier > this.env.params.maxTier) rev("SplitTierTooDeep", BigInt(tier), BigInt(this.env.params.maxTier));
    parent.status = Status.Split;
    const fx = noEffects();
    let total = 0n;
    const expires = ts + this.env.params.acceptancePeriod;
    for (const part of parts) {
      if (part.amount < this.env.params.minPartAmount) rev("SplitPartTooSmall", part.amount, this.env.params.minPartAmount);
      this.requireRole(part.to, Role.Supplier);
      total += part.amount;
      const childId = this.lastId + 1n;
      // another supplier's part is the splitter's (its creditor and holder), Offered, until accepted
      const offered = part.to !== sender;
      const child = this.newCert(childId, parent.obligor, sender, part.amount, parent.maturity, offered ? Status.Offered : Status.Confirmed, tier, id, ZERO32, []);
      this.s.certs.push(child);
      parent.children.push(childId);
      fx.created.push(childId);
      if (offered) this.offer(child, sender, part.to, expires, fx);
    }
    if (total !== parent.amount) rev("SplitAmountMismatch", id, parent.amount, total);
    this.recordOp(sender, opId);
    return fx;
  }

  /** transferCertificate: an offer to `to`; the certificate stays with its holder until `to` accepts it. */
  transfer(sender: string, to: string, id: bigint, opId: bigint, ts: bigint): Effects {
    this.whenNotPaused();
    this.requireActive(sender);
    const c = this.transferable(id, ts);
    if (c.holder !== sender) rev("ReceivableNotHolder", id, sender);
    if (to === sender) rev("CertificateSelfTransfer", id);
    this.requireRole(to, Role.Supplier);
    c.status = Status.Offered;
    const fx = noEffects();
    this.offer(c, sender, to, ts + this.env.params.acceptancePeriod, fx);
    this.recordOp(sender, opId);
    return fx;
  }

  /** ERC-721 transferFrom, safeTransferFrom, approve, setApprovalForAll: refused for everyone, always. */
  erc721(id: bigint): Effects {
    return rev("CertificateMovesByOffer", id);
  }

  // ─── Acceptance (签收 / 拒签) ────────────────────────────────────────

  accept(sender: string, ids: bigint[], opId: bigint, ts: bigint): Effects {
    this.whenNotPaused();
    this.requireRole(sender, Role.Supplier);
    this.nonEmpty(ids.length);
    const fx = noEffects();
    for (const id of ids) {
      const c = this.offered(id);
      const offer = c.offer!;
      if (offer.to !== sender) rev("OfferNotReceiver", id, sender);
      if (ts >= offer.expires) rev("OfferExpired", id, offer.expires);
      c.status = Status.Confirmed;
      c.offer = null;
      const from = c.holder;
      if (from !== sender) {
        // ERC721 _transfer -> the ledger's _update, which holds every certificate transfer rule
        if (ts >= c.maturity) rev("ReceivableMatured", id, c.maturity);
        this.requireActive(sender);
        this.requireRole(sender, Role.Supplier);
        this.requireActive(from);
        c.holder = sender;
        fx.transferred.push({ id, from, to: sender });
        this.env.note("accept: a transfer or split part changes hands");
      } else {
        if (ts >= c.maturity) rev("ReceivableMatured", id, c.maturity);
        this.env.note("accept: an issued certificate");
      }
      fx.accepted.push({ id, to: sender });
    }
    this.recordOp(sender, opId);
    return fx;
  }

  /** The receiver refuses, the sender withdraws (both only while active), anyone returns an offer past its expiry or maturity. */
  returnOffers(sender: string, ids: bigint[], reason: string, opId: bigint, ts: bigint): Effects {
    this.whenNotPaused();
    this.nonEmpty(ids.length);
    const fx = noEffects();
    for (const id of ids) {
      const c = this.offered(id);
      const offer = c.offer!;
      const issued = c.holder === offer.to; // an issued certificate's receiver is already its creditor
      let cause: number;
      if (sender === offer.to) {
        this.requireActive(sender);
        cause = OfferReturn.Refused;
      } else if (sender === (issued ? c.obligor : c.holder)) {
        this.requireActive(sender);
        cause = OfferReturn.Withdrawn;
      } else {
        const due = min(offer.expires, c.maturity);
        if (ts < due) rev("OfferNotReturnable", id, due);
        cause = OfferReturn.Expired;
      }
      c.status = issued ? Status.Void : Status.Confirmed; // Void releases its invoice keys
      c.offer = null;
      fx.returned.push({ id, to: offer.to, cause, reason });
      this.env.note(`returnOffers: ${issued ? "an issue" : "a transfer or split part"} ${["refused", "withdrawn", "expired"][cause]}`);
    }
    this.recordOp(sender, opId);
    return fx;
  }

  // ─── Financing ─────────────────────────────────────────────────────

  setCreditLine(sender: string, obligor: string, limit: bigint, opId: bigint): Effects {
    this.whenNotPaused();
    this.requireRole(sender, Role.Bank);
    this.requireRole(obligor, Role.Core);
    const line = this.line(sender, obligor);
    if (limit < line.used || limit > MAX_UINT128) rev("FinancingInvalidLimit", obligor, limit, line.used);
    line.limit = limit;
    this.recordOp(sender, opId);
    return noEffects();
  }

  finance(sender: string, terms: TermsInput[], opId: bigint, ts: bigint): Effects {
    this.whenNotPaused();
    this.nonEmpty(terms.length);
    this.requireRole(sender, Role.Bank);
    const advances = new Map<string, bigint>(); // per seller, in order of first appearance
    const fx = noEffects();
    for (const t of terms) {
      if (t.bank !== sender) rev("FinancingNotBank", t.id, t.bank, sender);
      const c = this.existing(t.id);
      if (t.due > c.amount) rev("FinancingDueExceedsFace", t.id, t.due, c.amount);
      if (t.advance === 0n || t.advance > t.due) rev("FinancingInvalidAdvance", t.id, t.advance, t.due);
      // what the holder or time changed since signing skips the item; the rest is funded
      const seller = c.holder;
      const skip =
        c.status !== Status.Confirmed ? "ReceivableInvalidStatus"
        : ts >= c.maturity ? "ReceivableMatured"
        : !this.isActive(seller) ? "MemberInactive"
        : this.intentProblem(seller, t.signer, t.nonce, t.deadline, ts)?.name;
      if (skip) {
        this.env.note(`finance: skips #${t.id} (${skip})`);
        fx.financingSkipped.push({ id: t.id, reason: skip });
        continue;
      }
      const line = this.line(sender, c.obligor);
      if (line.used + t.due > line.limit) {
        rev("FinancingCreditLimitExceeded", sender, c.obligor, t.due, line.limit - line.used);
      }
      line.used += t.due;
      c.status = Status.Financed;
      if (t.recourse) c.recourse = true;
      c.lien = { bank: sender, due: t.due };
      c.financing = { bank: sender, due: t.due, advance: t.advance };
      advances.set(seller, (advances.get(seller) ?? 0n) + t.advance);
    }
    for (const [seller, amount] of advances) this.pull(sender, seller, amount);
    this.recordOp(sender, opId);
    return fx;
  }

  // ─── Clearing ──────────────────────────────────────────────────────

  /** Works while paused. Each certificate takes what its obligor can pay now, bank first. */
  settle(sender: string, ids: bigint[], opId: bigint, ts: bigint): Effects {
    this.nonEmpty(ids.length);
    const fx = noEffects();
    for (const id of ids) {
      const c = this.existing(id);
      if (c.status !== Status.Confirmed && c.status !== Status.Financed && c.status !== Status.Overdue) {
        this.env.note(`settle: skips a ${statusName(c.status)} certificate`);
        fx.skipped.push(id);
        continue;
      }
      if (ts < c.maturity) rev("ClearingNotMatured", id, c.maturity);
      const owed = c.amount - c.repaid;
      const paid = min(owed, this.available(c.obligor));
      const lien = c.lien;
      const bankEntitled = lien ? min(lien.due, c.amount) : 0n;
      const bankOwed = bankEntitled - min(c.repaid, bankEntitled);
      const toBank = min(paid, bankOwed);
      const toHolder = paid - toBank;
      if (toBank > 0n) {
        this.line(lien!.bank, c.obligor).used -= toBank;
        this.payout(c.obligor, lien!.bank, toBank);
      }
      this.payout(c.obligor, c.holder, toHolder);
      c.repaid += paid;
      c.paidToBank += toBank;
      c.paidToHolder += toHolder;
      const before = c.status;
      const active = this.activeSince(c.maturity, ts);
      if (paid === owed) {
        c.status = Status.Settled;
        c.lien = null;
      } else if (before !== Status.Overdue && active >= this.env.params.gracePeriod) {
        c.status = Status.Overdue;
      }
      const note = this.env.note;
      note(`settle: ${statusName(before)} -> ${statusName(c.status)} ${paid === 0n ? "paid nothing" : paid === owed ? (c.repaid === paid ? "in one payment" : "completing partial payments") : "partially"}${lien ? " (financed)" : ""}`);
      if (!this.isActive(c.obligor)) note("settle: obligor inactive");
      if (this.paused(ts)) note("settle: while paused");
      if (active !== ts - c.maturity && ts > c.maturity) note("settle: paused time excluded from grace");
      if (lien && toBank > 0n && toHolder > 0n) note("settle: one payment split between bank and holder");
      if (c.status === Status.Overdue && before !== Status.Overdue) {
        // the obligor may neither issue nor confirm until this is paid (or governance resumes it)
        const count = (this.s.delinquencies[c.obligor] ?? 0n) + 1n;
        this.s.delinquencies[c.obligor] = count;
        c.delinquentSince = (this.s.resumptions[c.obligor] ?? 0) + 1;
        fx.paused.push({ obligor: c.obligor, id, count });
        note("settle: obligor paused");
      } else if (before === Status.Overdue && c.status === Status.Settled) {
        if (c.delinquentSince === (this.s.resumptions[c.obligor] ?? 0) + 1) {
          const count = this.s.delinquencies[c.obligor] - 1n;
          this.s.delinquencies[c.obligor] = count;
          if (count === 0n) {
            fx.resumed.push({ obligor: c.obligor, id, reason: ZERO32 });
            note("settle: obligor resumed by paying");
          }
        } else {
          note("settle: a delinquency forgiven by governance paid");
        }
      }
      if (paid !== 0n || c.status !== before) {
        fx.cleared.push({
          id, bank: lien ? lien.bank : ZERO, holder: c.holder, toBank, toHolder, outstanding: owed - paid, status: c.status,
        });
      }
    }
    this.recordOp(sender, opId);
    return fx;
  }

  /**
   * Only the creditor (financing bank, or holder if unfinanced) may declare an Overdue certificate
   * Defaulted, once the default period has run. Like every other action it needs an active
   * member (DESIGN.md: a suspended member can neither act nor receive).
   */
  declareDefault(sender: string, ids: bigint[], opId: bigint, ts: bigint): Effects {
    this.whenNotPaused();
    this.nonEmpty(ids.length);
    this.requireActive(sender);
    const needed = this.env.params.gracePeriod + this.env.params.defaultPeriod;
    const fx = noEffects();
    for (const id of ids) {
      const c = this.existing(id);
      if (c.status !== Status.Overdue) rev("ReceivableInvalidStatus", id, BigInt(c.status), BigInt(Status.Overdue));
      const creditor = c.lien ? c.lien.bank : c.holder;
      if (sender !== creditor) rev("ClearingNotCreditor", id, sender);
      const elapsed = this.activeSince(c.maturity, ts);
      if (elapsed !== ts - c.maturity) this.env.note("declareDefault: paused time excluded");
      if (elapsed < needed) rev("ClearingDefaultPeriodRunning", id, needed - elapsed);
      c.status = Status.Defaulted;
      if (c.lien) {
        const entitled = min(c.lien.due, c.amount);
        this.line(c.lien.bank, c.obligor).used -= entitled - min(c.repaid, entitled);
      }
      fx.defaulted.push({ id, creditor: sender, outstanding: c.amount - c.repaid });
    }
    this.recordOp(sender, opId);
    return fx;
  }

  /** The bank recovers from the seller's allowance as much as is available, item after item. */
  claimRecourse(sender: string, ids: bigint[], opId: bigint): Effects {
    this.whenNotPaused();
    this.nonEmpty(ids.length);
    this.requireRole(sender, Role.Bank);
    const fx = noEffects();
    for (const id of ids) {
      const c = this.existing(id);
      if (c.status !== Status.Defaulted || !c.recourse) rev("ClearingNoRecourse", id);
      if (!c.lien || c.lien.bank !== sender) rev("ClearingNotCreditor", id, sender);
      const entitled = min(c.lien!.due, c.amount);
      const received = c.repaid + c.recovered;
      const owed = received >= entitled ? 0n : entitled - received;
      // what the seller can pay now, after what earlier items of this batch already took
      const amount = min(owed, this.available(c.holder));
      c.recovered += amount;
      if (amount > 0n) this.pull(c.holder, sender, amount);
      this.env.note(`claimRecourse: ${amount === 0n ? "nothing available" : amount === owed ? "recovered in full" : "recovered in part"}`);
      fx.recovered.push({ id, bank: sender, seller: c.holder, amount, remaining: owed - amount });
    }
    this.recordOp(sender, opId);
    return fx;
  }

  /** Governance (the default admin) lets a delinquent obligor issue and confirm again, with a reason. */
  resumeObligor(sender: string, obligor: string, reason: string): Effects {
    if (this.env.byAddress.get(sender)?.name !== "admin") rev("LedgerUnauthorizedGovernor", sender);
    if (BigInt(reason) === 0n) rev("LedgerReasonRequired");
    if ((this.s.delinquencies[obligor] ?? 0n) !== 0n) this.env.note("resumeObligor: a delinquent obligor");
    this.s.delinquencies[obligor] = 0n;
    this.s.resumptions[obligor] = (this.s.resumptions[obligor] ?? 0) + 1;
    const fx = noEffects();
    fx.resumed.push({ obligor, id: 0n, reason });
    return fx;
  }

  withdrawHeld(sender: string): Effects {
    const amount = this.s.held[sender] ?? 0n;
    if (amount === 0n) rev("ClearingNothingHeld", sender);
    this.requireActive(sender);
    this.s.held[sender] = 0n;
    this.move(this.env.ledger, sender, amount);
    return noEffects();
  }

  /** A resubmitted operation id is recognized before anything else is looked at. */
  replay(sender: string, opId: bigint): Effects {
    if (this.s.ledgerOps.some((o) => o.sender === sender && o.opId === opId)) rev("OperationAlreadyExecuted", sender, opId);
    throw new Error("replay of an operation the model never saw");
  }
}

export const ZERO_ADDRESS = ZERO;
export const ZERO32 = "0x" + "00".repeat(32);
