import { MaxUint256, keccak256, toBeHex } from "ethers";
import { ledgerDomain, CONFIRM_TYPES, FINANCE_TERMS_TYPES, signAttestation } from "../../../backend/src/ledger/typed-data";
import { attestedItem } from "../../../backend/src/ledger/attestation";
import {
  ADVANCE, CREDIT_LIMIT, DAY, DUE, FACE, PARAMS, YUAN,
  exec, freshInvoice, increaseTo, now, BENCH_VERIFIER, type Sample, type World,
} from "./world";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

export const STEPS = ["register", "confirm", "finance", "settle"] as const;
export type Step = (typeof STEPS)[number];
export type ConfirmMode = "confirm" | "confirmBySig";

export interface LifecycleRun {
  batch: number;
  steps: Record<Step, Sample>;
  total: bigint;
  perReceivable: bigint;
  steady: boolean;
}

const domain = (w: World) => ledgerDomain(w.chainId, w.ledgerAddress);
/** What an obligor confirms about each of `ids`: its facts as the ledger records them. */
const confirmItems = (w: World, ids: bigint[]) =>
  Promise.all(ids.map(async (id) => {
    const r = await w.ledger.receivable(id);
    return { id, creditor: r.creditor, amount: r.amount, maturity: r.maturity, invoicesRoot: r.invoicesRoot };
  }));
/** The verifier's one attestation of a register (by `caller`, the creditor) or issue (by the obligor) call. */
const attestation = async (w: World, caller: string, issued: boolean, items: { counterparty: string; amount: bigint; maturity: bigint; invoicesRoot: string; invoiceKeys: string[] }[]) => {
  const deadline = await later(DAY);
  const attested = items.map((i) => attestedItem(caller, issued, i));
  return { verifier: BENCH_VERIFIER.address, deadline, signature: signAttestation(BENCH_VERIFIER.signingKey, domain(w), issued, attested, deadline) };
};
/** Maturities and deadlines on a 256-second grid, so their calldata bytes (hence gas) do not vary run to run. */
export const later = async (seconds: bigint) => ((((await now()) + seconds) >> 8n) + 1n) << 8n;
const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

function runOf(batch: number, steps: Record<Step, Sample>): LifecycleRun {
  const total = sum(STEPS.map((s) => steps[s].gas));
  return { batch, steps, total, perReceivable: total / BigInt(batch), steady: STEPS.every((s) => steps[s].steady) };
}

/** Repeats `run` until no sample touched a fresh bitmap word (at most `tries` times). */
export async function steadily<T extends { steady: boolean }>(run: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    const result = await run();
    if (result.steady || i === tries) return result;
  }
}

// ─── Building blocks ─────────────────────────────────────────────────────

export async function registerItems(w: World, obligor: string, count: number, maturity: bigint, supplier = w.supplierA) {
  const items = Array.from({ length: count }, () => {
    const inv = freshInvoice();
    return { counterparty: obligor, amount: FACE, maturity, invoicesRoot: inv.root, invoiceKeys: [inv.key] };
  });
  const first = (await w.ledger.lastReceivableId()) + 1n;
  const op = w.ops.take("ledger", supplier.address);
  const sample = await exec(w.ledger.connect(supplier).register(items, await attestation(w, supplier.address, false, items), op.id), [op.fresh]);
  return { ids: items.map((_, i) => first + BigInt(i)), sample };
}

export async function confirmDirect(w: World, ids: bigint[], obligor: HardhatEthersSigner) {
  const op = w.ops.take("ledger", obligor.address);
  return exec(w.ledger.connect(obligor).confirm(await confirmItems(w, ids), op.id), [op.fresh]);
}

/** The obligor signs one ConfirmReceivables intent; the keeper (a relayer with no role) submits it. */
async function confirmBySig(w: World, ids: bigint[], obligor: HardhatEthersSigner) {
  const nonce = w.nonces.take("ledger", obligor.address);
  const deadline = await later(DAY);
  const items = await confirmItems(w, ids);
  const signature = await obligor.signTypedData(domain(w), CONFIRM_TYPES, { items, nonce: nonce.id, deadline });
  const op = w.ops.take("ledger", w.keeper.address);
  return exec(
    w.ledger.connect(w.keeper).confirmBySig(items, obligor.address, nonce.id, deadline, signature, op.id),
    [op.fresh, nonce.fresh],
  );
}

/** The holder signs one FinanceTerms per certificate; the bank funds them all in one call. */
async function finance(w: World, ids: bigint[], recourse = false, holder = w.supplierA) {
  const deadline = await later(DAY);
  const terms = [];
  const signatures = [];
  const fresh = [];
  for (const receivableId of ids) {
    const nonce = w.nonces.take("ledger", holder.address);
    fresh.push(nonce.fresh);
    // bound to its financing agreement, as the platform always binds one (a nonzero word costs what a real fingerprint does)
    const t = { receivableId, bank: w.bankA.address, advance: ADVANCE, due: DUE, recourse, agreement: keccak256(toBeHex(receivableId, 32)), nonce: nonce.id, deadline };
    terms.push(t);
    signatures.push(await holder.signTypedData(domain(w), FINANCE_TERMS_TYPES, t));
  }
  const op = w.ops.take("ledger", w.bankA.address);
  return exec(w.ledger.connect(w.bankA).finance(terms, signatures, op.id), [op.fresh, ...fresh]);
}

async function settle(w: World, ids: bigint[]) {
  const op = w.ops.take("ledger", w.keeper.address);
  return exec(w.ledger.connect(w.keeper).settle(ids, op.id), [op.fresh]);
}

async function issueTo(w: World, supplier: string, maturity: bigint) {
  const inv = freshInvoice();
  const id = (await w.ledger.lastReceivableId()) + 1n;
  const op = w.ops.take("ledger", w.core1.address);
  const item = { counterparty: supplier, amount: FACE, maturity, invoicesRoot: inv.root, invoiceKeys: [inv.key] };
  const sample = await exec(w.ledger.connect(w.core1).issue([item], await attestation(w, w.core1.address, true, [item]), op.id), [op.fresh]);
  return { id, sample };
}

// ─── Lifecycles ──────────────────────────────────────────────────────────

/**
 * One supplier, one obligor, one bank: register `batch` receivables in one call, confirm them
 * in one call, finance them in one call (one holder signature each), settle them in one call.
 */
export async function ledgerLifecycle(w: World, batch: number, mode: ConfirmMode): Promise<LifecycleRun> {
  const maturity = await later(30n * DAY);
  const { ids, sample: register } = await registerItems(w, w.core1.address, batch, maturity);
  const confirm = mode === "confirm" ? await confirmDirect(w, ids, w.core1) : await confirmBySig(w, ids, w.core1);
  const financed = await finance(w, ids);
  await increaseTo(maturity);
  const settled = await settle(w, ids);
  return runOf(batch, { register, confirm, finance: financed, settle: settled });
}

/** The same four steps on the plain per-item baseline, one transaction each. */
export async function baselineLifecycle(w: World): Promise<LifecycleRun> {
  const maturity = await later(30n * DAY);
  const inv = freshInvoice();
  const b = w.baseline;
  const args: [string, bigint, bigint, string, string[]] = [w.core1.address, FACE, maturity, inv.root, [inv.key]];
  const id = await b.connect(w.supplierA).register.staticCall(...args);
  const register = await exec(b.connect(w.supplierA).register(...args));
  const confirm = await exec(b.connect(w.core1).confirm(id));
  const financed = await exec(b.connect(w.bankA).finance(id, ADVANCE, DUE, false));
  await increaseTo(maturity);
  const settled = await exec(b.connect(w.keeper).settle(id));
  return runOf(1, { register, confirm, finance: financed, settle: settled });
}

// ─── Single operations ───────────────────────────────────────────────────

export const OPERATIONS = {
  register: "register",
  issue: "issue",
  accept: "accept (issued)",
  refuse: "returnOffers (refuse)",
  confirm: "confirm",
  confirmBySig: "confirmBySig (relayer)",
  reject: "reject",
  cancel: "cancel",
  split: "split (2 parts)",
  transferCertificate: "transferCertificate (offer)",
  acceptTransfer: "accept (transfer)",
  setCreditLine: "setCreditLine",
  finance: "finance",
  settleFull: "settle (full)",
  settlePartial: "settle (partial → Overdue)",
  repayOverdue: "repay overdue (settle again)",
  declareDefault: "declareDefault",
  claimRecourse: "claimRecourse",
  resumeObligor: "resumeObligor (governance)",
  tokenMint: "token mint",
  tokenTransfer: "token transfer",
} as const;
export type Operation = keyof typeof OPERATIONS;

/** What an obligor short of funds has authorized: less than the 950,000 yuan due to the bank. */
const SHORT_AUTHORIZATION = 400_000n * YUAN;

/** Every operation once, each on its own certificate(s), each a batch of one. */
export async function operationsRound(w: World, round: number): Promise<Record<Operation, Sample>> {
  const s = {} as Record<Operation, Sample>;
  const maturity = await later(20n * DAY);

  const a = await registerItems(w, w.core1.address, 1, maturity);
  s.register = a.sample;
  s.confirm = await confirmDirect(w, a.ids, w.core1);

  const b = await registerItems(w, w.core1.address, 1, maturity);
  s.confirmBySig = await confirmBySig(w, b.ids, w.core1);

  const c = await registerItems(w, w.core1.address, 1, maturity);
  let op = w.ops.take("ledger", w.core1.address);
  s.reject = await exec(w.ledger.connect(w.core1).reject(c.ids, `0x${"ab".repeat(32)}`, op.id), [op.fresh]);

  const d = await registerItems(w, w.core1.address, 1, maturity);
  op = w.ops.take("ledger", w.supplierA.address);
  s.cancel = await exec(w.ledger.connect(w.supplierA).cancel(d.ids, op.id), [op.fresh]);

  // the supplier signs for (签收) what core1 issued it, then splits it
  const e = await issueTo(w, w.supplierA.address, maturity);
  s.issue = e.sample;
  op = w.ops.take("ledger", w.supplierA.address);
  s.accept = await exec(w.ledger.connect(w.supplierA).accept([e.id], op.id), [op.fresh]);
  const parts = [
    { to: w.supplierB.address, amount: 600_000n * YUAN },
    { to: w.supplierC.address, amount: FACE - 600_000n * YUAN },
  ];
  op = w.ops.take("ledger", w.supplierA.address);
  s.split = await exec(w.ledger.connect(w.supplierA).split(e.id, parts, op.id), [op.fresh]);

  // an accepted certificate offered on to supplierB, which accepts it: the first change of hands
  const f = await issueTo(w, w.supplierA.address, maturity);
  await exec(w.ledger.connect(w.supplierA).accept([f.id], w.ops.take("ledger", w.supplierA.address).id));
  op = w.ops.take("ledger", w.supplierA.address);
  s.transferCertificate = await exec(
    w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, f.id, op.id),
    [op.fresh],
  );
  op = w.ops.take("ledger", w.supplierB.address);
  s.acceptTransfer = await exec(w.ledger.connect(w.supplierB).accept([f.id], op.id), [op.fresh]);

  // the supplier refuses (拒签) what core1 issued it: Void
  const v = await issueTo(w, w.supplierA.address, maturity);
  op = w.ops.take("ledger", w.supplierA.address);
  s.refuse = await exec(w.ledger.connect(w.supplierA).returnOffers([v.id], `0x${"cd".repeat(32)}`, op.id), [op.fresh]);

  op = w.ops.take("ledger", w.bankA.address);
  const limit = CREDIT_LIMIT + BigInt(round); // a real change of limit every round
  s.setCreditLine = await exec(w.ledger.connect(w.bankA).setCreditLine(w.core1.address, limit, op.id), [op.fresh]);

  s.finance = await finance(w, a.ids);

  // core2 will not have authorized enough: g goes Overdue (core2 is paused), defaults and is
  // recovered by recourse; h goes Overdue and is repaid later.
  const g = await registerItems(w, w.core2.address, 1, maturity);
  await confirmDirect(w, g.ids, w.core2);
  await finance(w, g.ids, true);
  const h = await registerItems(w, w.core2.address, 1, maturity);
  await confirmDirect(w, h.ids, w.core2);
  await finance(w, h.ids);

  await increaseTo(maturity + PARAMS.gracePeriod + 60n);
  s.settleFull = await settle(w, a.ids);
  await exec(w.token.connect(w.core2).approve(w.ledgerAddress, SHORT_AUTHORIZATION));
  s.settlePartial = await settle(w, g.ids);
  await exec(w.token.connect(w.core2).approve(w.ledgerAddress, SHORT_AUTHORIZATION));
  await settle(w, h.ids);
  await exec(w.token.connect(w.core2).approve(w.ledgerAddress, MaxUint256));
  s.repayOverdue = await settle(w, h.ids);

  await increaseTo(maturity + PARAMS.gracePeriod + PARAMS.defaultPeriod + 120n);
  op = w.ops.take("ledger", w.bankA.address);
  s.declareDefault = await exec(w.ledger.connect(w.bankA).declareDefault(g.ids, op.id), [op.fresh]);
  op = w.ops.take("ledger", w.bankA.address);
  s.claimRecourse = await exec(w.ledger.connect(w.bankA).claimRecourse(g.ids, op.id), [op.fresh]);
  // g's default keeps core2 paused: governance resumes it (a restructuring), so the next round's
  // core2 may confirm again
  s.resumeObligor = await exec(w.ledger.connect(w.admin).resumeObligor(w.core2.address, `0x${"ef".repeat(32)}`));

  op = w.ops.take("token", w.issuer.address);
  s.tokenMint = await exec(w.token.connect(w.issuer).mint(w.supplierA.address, 1_000n * YUAN, op.id), [op.fresh]);
  s.tokenTransfer = await exec(w.token.connect(w.supplierA).transfer(w.supplierB.address, 1_000n * YUAN));
  return s;
}
