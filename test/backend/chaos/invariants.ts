/**
 * What must hold after a chaos round, each checked against the lifecycles' model or the chain, never
 * against the database alone.
 */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import hre from "hardhat";
import { Transaction } from "ethers";
import { ReceivableLedger__factory, SettlementToken__factory } from "../../../typechain-types";
import { loadConfig } from "../../../backend/src/config/config";
import { migrate } from "../../../backend/src/shared/db";
import { platformDataSource } from "../../../backend/src/platform";
import { startIndexer } from "../../../backend/src/processes";
import { eventually } from "../support/http";
import type { Stack } from "../support/stack";
import { checkpoint, ledgerTransactions, testLog } from "../faults/kit";
import type { ChaosApi } from "./client";
import type { Lifecycle, Parties } from "./lifecycles";

/** 1. Every operation the platform accepted (answered 202 for) reads "mined"; nothing in the outbox is unfinished or failed. */
export async function expectEveryOperationCompleted(stack: Stack, api: ChaosApi, lives: Lifecycle[], setupOps: { id: string; key: string }[]) {
  const accepted = [...setupOps, ...lives.flatMap((l) => l.operations)];
  for (const op of accepted) {
    const r = await api.get(`/v1/operations/${op.id}`, op.key);
    expect(r.body?.status, `operation ${op.id}: ${JSON.stringify(r.body)}`).toBe("mined");
  }
  const outbox: { status: string; n: number }[] = await stack.ds.query(`SELECT status, count(*)::int AS n FROM outbox GROUP BY status ORDER BY status`);
  const failed = await stack.ds.query(`SELECT id::text, kind, error_code, error_message FROM outbox WHERE status <> 'mined'`);
  expect(outbox.filter((r) => r.status !== "mined"), `unfinished or failed outbox rows: ${JSON.stringify(failed)}`).toEqual([]);
  expect(lives.filter((l) => !l.settled).map((l) => l.n), "lifecycles not settled").toEqual([]);
  expect(lives.filter((l) => l.bank && !l.funded).map((l) => l.n), "lifecycles not funded").toEqual([]);
}

/**
 * 2. On chain: each lifecycle's certificate registered once, financed exactly once (by its bank, on
 * the quoted terms) or never, and cleared exactly once, paying the bank min(face, due) = due and the
 * holder the rest; no certificate that no lifecycle asked for. Also exactly-once at the transaction
 * level: per signer, stored nonces 0..n-1, each stored transaction mined with exactly its bytes.
 */
export async function expectOnceOnChain(stack: Stack, p: Parties, lives: Lifecycle[]) {
  const ledger = ReceivableLedger__factory.connect(stack.deployment.ledger, hre.ethers.provider);
  const [registered, financed, cleared] = await Promise.all([
    ledger.queryFilter(ledger.filters.ReceivableRegistered(), 0, "latest"),
    ledger.queryFilter(ledger.filters.ReceivableFinanced(), 0, "latest"),
    ledger.queryFilter(ledger.filters.ReceivableCleared(), 0, "latest"),
  ]);
  const count = (xs: { args: { id: bigint } }[]) => xs.reduce((m, x) => m.set(x.args.id.toString(), (m.get(x.args.id.toString()) ?? 0) + 1), new Map<string, number>());
  const regs = count(registered);
  expect(registered.length, "certificates registered on chain").toBe(lives.length);
  const byCert = new Map(lives.map((l) => [l.certificateId!, l]));
  for (const id of regs.keys()) expect(byCert.has(id), `certificate ${id} on chain belongs to a lifecycle`).toBe(true);

  const fin = count(financed);
  const clr = count(cleared);
  for (const l of lives) {
    const id = l.certificateId!;
    expect(regs.get(id), `registrations of certificate ${id} (lifecycle ${l.n})`).toBe(1);
    expect(fin.get(id) ?? 0, `financings of certificate ${id} (lifecycle ${l.n})`).toBe(l.bank ? 1 : 0);
    expect(clr.get(id) ?? 0, `clearings of certificate ${id} (lifecycle ${l.n})`).toBe(1);
    if (l.bank) {
      const f = financed.find((e) => e.args.id.toString() === id)!;
      expect([f.args.bank.toLowerCase(), f.args.seller.toLowerCase(), f.args.advance, f.args.due]).toEqual([l.bank.address, l.supplier.address, l.advance, l.due]);
    }
    const c = cleared.find((e) => e.args.id.toString() === id)!;
    const toBank = l.bank ? (l.due! < l.face ? l.due! : l.face) : 0n;
    expect([c.args.toBank, c.args.toHolder, c.args.outstanding], `clearing of certificate ${id} (lifecycle ${l.n})`).toEqual([toBank, l.face - toBank, 0n]);
    expect(c.args.holder.toLowerCase()).toBe(l.supplier.address);
  }

  const provider = hre.ethers.provider;
  const txs = await ledgerTransactions(stack);
  expect(new Set(txs.map((t) => t.id)).size, "operation ids of stored transactions are unique").toBe(txs.length);
  const bySigner = new Map<string, typeof txs>();
  for (const t of txs) bySigner.set(t.signer.toLowerCase(), [...(bySigner.get(t.signer.toLowerCase()) ?? []), t]);
  for (const [signer, rows] of bySigner) {
    const latest = await provider.getTransactionCount(signer, "latest");
    expect(await provider.getTransactionCount(signer, "pending"), `transactions of ${signer} waiting in the node`).toBe(latest);
    expect(rows.map((t) => Number(t.nonce)), `nonces of ${signer}`).toEqual(Array.from({ length: latest }, (_, i) => i));
    for (const t of rows) {
      expect(Transaction.from(t.raw_tx).hash, `stored bytes of op ${t.id}`).toBe(t.tx_hash);
      const receipt = await provider.getTransactionReceipt(t.tx_hash);
      expect(receipt?.status, `op ${t.id} (${t.tx_hash}) mined and successful`).toBe(1);
      expect(t.status).toBe("mined");
    }
  }
}

/**
 * 3. Settlement tokens: what the ledger says each party holds equals what the lifecycles imply
 * (deposits, advances, repayments split between bank and holder), nothing is left with the ledger,
 * and the total supply is exactly what the issuer minted.
 */
export async function expectBalancesConserved(stack: Stack, p: Parties, lives: Lifecycle[], deposits: Map<string, bigint>) {
  const token = SettlementToken__factory.connect(stack.deployment.settlementToken, hre.ethers.provider);
  const expected = new Map<string, bigint>();
  const add = (o: { address: string }, v: bigint) => expected.set(o.address, (expected.get(o.address) ?? 0n) + v);
  for (const o of [p.core, p.issuer, ...p.suppliers, ...p.banks]) add(o, deposits.get(o.address) ?? 0n);
  for (const l of lives) {
    add(p.core, -l.face);
    if (l.bank) {
      const toBank = l.due! < l.face ? l.due! : l.face;
      add(l.bank, -l.advance! + toBank);
      add(l.supplier, l.advance! + l.face - toBank);
    } else add(l.supplier, l.face);
  }
  const actual = new Map<string, bigint>();
  for (const a of expected.keys()) actual.set(a, await token.balanceOf(a));
  expect(Object.fromEntries([...actual].map(([a, v]) => [a, v.toString()])), "token balances against the model").toEqual(
    Object.fromEntries([...expected].map(([a, v]) => [a, v.toString()])),
  );
  const minted = [...deposits.values()].reduce((a, b) => a + b, 0n);
  expect(await token.totalSupply(), "total supply = what was minted").toBe(minted);
  expect([...actual.values()].reduce((a, b) => a + b, 0n), "the parties hold the whole supply").toBe(minted);
  expect(await token.balanceOf(stack.deployment.ledger), "held by the ledger").toBe(0n);
}

/** 5. Every bank's reconciliation report for today: its financings all there, no mismatch. */
export async function expectReconciliationClean(api: ChaosApi, p: Parties, lives: Lifecycle[], dayAtStart: string) {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  for (const bank of p.banks) {
    const r = await api.get(`/v1/reconciliation/report?date=${today}`, bank.key);
    expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(200);
    expect(r.body.summary.mismatches, `reconciliation mismatches of bank ${bank.uscc}: ${JSON.stringify(r.body.mismatches).slice(0, 2000)}`).toBe(0);
    // every financing was funded today (China Standard Time), unless the round straddled midnight
    if (today === dayAtStart) expect(r.body.summary.financings, `financings in bank ${bank.uscc}'s report`).toBe(lives.filter((l) => l.bank === bank).length);
  }
}

// ─── 4. The database against a full re-projection of the chain ──────────

/**
 * Runs a fresh indexer over the same chain into a fresh schema and compares what it projected with
 * the live schema. The fresh schema is migrated and given what the indexer takes as input besides
 * the chain: the deployment row, and the organizations (the projections map ledger addresses to
 * them), with their projected columns (chain_status, chain_block) reset to the defaults so that the
 * re-projection has to set them again.
 *
 * Compared, by natural key: chain_events (all columns but the generated id and created_at),
 * the checkpoint, organizations' chain_status/chain_block, receivables (keyed by certificate id;
 * parent by certificate id; not id, operation_id, failure_*, settle_attempted_at, created_at,
 * updated_at, offer_return_text, which are the platform's own bookkeeping or generated, or text it
 * keeps off chain), obligor_standings (not paused_since and resumed_at, the indexer's clock), credit_lines (limit, used;
 * not requested_limit/operation_id/updated_at, written by the API), token_movements, token_balances,
 * token_allowances, clearing_events (keyed by the event's tx hash and log index; not the generated
 * ids and `at`). Not compared: financings and financing_requests, business rows the API creates
 * that a projection only marks funded (their state is checked against the model instead), and
 * webhook deliveries (there are no subscriptions).
 */
export async function expectDatabaseEqualsReprojection(stack: Stack) {
  const live = stack.config.DATABASE_SCHEMA;
  const fresh = `${live}_re${randomBytes(2).toString("hex")}`;
  const config = loadConfig({ ...stack.env, DATABASE_SCHEMA: fresh });
  const ds = platformDataSource({ url: config.DATABASE_URL, schema: fresh, poolSize: 2, applicationName: "chaos-reprojection" });
  await ds.initialize();
  try {
    await migrate(ds);
    await ds.query(`INSERT INTO "${fresh}".organizations SELECT * FROM "${live}".organizations`);
    await ds.query(`UPDATE "${fresh}".organizations SET chain_status = 'none', chain_block = NULL`);
    await ds.query(`INSERT INTO "${fresh}".ledger_deployments SELECT * FROM "${live}".ledger_deployments`);
    const head = (await checkpoint(stack))!;
    const indexer = await startIndexer(config, testLog());
    try {
      await eventually(async () => {
        const [row] = await ds.query(`SELECT block_number FROM indexer_checkpoints WHERE name = 'main'`);
        return row && Number(row.block_number) >= head.block;
      }, 60_000, "the re-projection to reach the live checkpoint");
    } finally {
      await indexer.close();
    }
    for (const [what, sql] of Object.entries(PROJECTED)) {
      const a = await stack.ds.query(sql(live));
      const b = await ds.query(sql(fresh));
      if (!MAY_BE_EMPTY.has(what)) expect(a.length, `${what}: rows`).toBeGreaterThan(0);
      expect(b, `${what}: the re-projection differs from the live database`).toEqual(a);
    }
  } finally {
    await ds.query(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`).catch(() => undefined);
    await ds.destroy();
  }
}

/** Projections a run need not have produced any rows of (an obligor is paused only if one fails to pay). */
const MAY_BE_EMPTY = new Set(["obligor_standings"]);

const PROJECTED: Record<string, (s: string) => string> = {
  chain_events: (s) => `SELECT block_number::text, block_hash, tx_hash, log_index, contract, name, args FROM "${s}".chain_events ORDER BY block_number, log_index`,
  checkpoint: (s) => `SELECT name, block_number::text, block_hash FROM "${s}".indexer_checkpoints`,
  organizations: (s) => `SELECT id, chain_status, chain_block::text FROM "${s}".organizations ORDER BY id`,
  receivables: (s) => `SELECT r.chain_id::text, r.origin, r.obligor_organization_id, r.creditor_organization_id, r.holder_organization_id, r.amount::text, r.currency,
      r.maturity, r.status, r.tier, p.chain_id::text AS parent, r.invoices_root, r.invoice_keys, r.financing_bank_organization_id, r.due::text, r.recourse,
      r.repaid::text, r.recovered::text, r.paid_to_bank::text, r.paid_to_holder::text, r.chain_block::text,
      r.offer_kind, r.offer_from_organization_id, r.offer_to_organization_id, r.offer_expires_at, r.offer_returned, r.offer_return_reason, r.delinquent
    FROM "${s}".receivables r LEFT JOIN "${s}".receivables p ON p.id = r.parent_id WHERE r.chain_id IS NOT NULL ORDER BY r.chain_id`,
  // an obligor's pause (the time it was seen is the indexer's, not the chain's: not compared)
  obligor_standings: (s) => `SELECT organization_id, paused, resumed_reason, chain_block::text FROM "${s}".obligor_standings ORDER BY organization_id`,
  credit_lines: (s) => `SELECT bank_organization_id, obligor_organization_id, limit_amount::text, used::text FROM "${s}".credit_lines ORDER BY 1, 2`,
  token_movements: (s) => `SELECT e.tx_hash, e.log_index, m.kind, m.from_address, m.to_address, m.amount::text, m.block_number::text
    FROM "${s}".token_movements m JOIN "${s}".chain_events e ON e.id = m.chain_event_id ORDER BY m.block_number, e.log_index`,
  token_balances: (s) => `SELECT address, balance::text FROM "${s}".token_balances ORDER BY address`,
  token_allowances: (s) => `SELECT owner, spender, amount::text FROM "${s}".token_allowances ORDER BY owner, spender`,
  clearing_events: (s) => `SELECT e.tx_hash, e.log_index, r.chain_id::text, c.kind, c.to_bank::text, c.to_holder::text, c.outstanding::text, c.status, c.block_number::text
    FROM "${s}".clearing_events c JOIN "${s}".chain_events e ON e.id = c.chain_event_id JOIN "${s}".receivables r ON r.id = c.receivable_id ORDER BY c.block_number, e.log_index`,
};
