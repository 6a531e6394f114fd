import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Redis } from "ioredis";
import { JsonRpcProvider } from "ethers";
import { Stack } from "./support/stack";
import { eventually } from "./support/http";
import { loadSeeds, type SeededOrganization } from "../../backend/src/ops/seed";
import { Outbox } from "../../backend/src/ledger/outbox/outbox.service";
import { JobQueue } from "../../backend/src/shared/queue";
import { createLogger } from "../../backend/src/shared/logger";

const CORE = "91500112MA8Q2595Y2"; // Yuchuan Automobile Group (cq-auto)
const TIER1 = "91500109MALJ2FN9Q6"; // Chongqing Zhonghe Automotive

/**
 * A batch of outbox rows with one item the ledger would refuse: the submitter checks the batch once
 * (eth_call), finds the item at fault by bisection and fails it alone with the ledger's decoded
 * error, sends the rest in one transaction, and holds back an item that only conflicts with an
 * earlier one of the batch for a transaction of its own.
 */
describe("OutboxSubmitter batches", () => {
  let stack: Stack;
  let orgs: Map<string, SeededOrganization>;
  beforeAll(async () => {
    stack = await Stack.start({ env: { OUTBOX_SWEEP_INTERVAL_MS: "300", OUTBOX_STALE_MS: "1000" } });
    const seeded = await loadSeeds({
      baseUrl: stack.api.baseUrl,
      operatorKey: stack.operatorKey,
      subset: { scenarios: ["cq-auto"], suppliers: [TIER1], invoices: (inv) => !inv.expected, invoicesPerSupplier: 10 },
      waitForVerificationMs: 60_000,
      activeTimeoutMs: 60_000,
    });
    orgs = new Map(seeded.organizations.map((o) => [o.uscc, o]));
  }, 240_000);
  afterAll(async () => stack?.close());

  it("fails only the item at fault, sends the rest together, and gives a conflicting item its own turn", async () => {
    const supplier = orgs.get(TIER1)!;
    const core = orgs.get(CORE)!;
    const invoices = (await stack.api.get("/v1/invoices?status=verified&limit=20", { key: supplier.key })).body.items.filter((i: { buyerTaxId: string }) => i.buyerTaxId === CORE);
    const maturityDate = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const registered = await stack.api.post(
      "/v1/receivables",
      { items: invoices.slice(0, 3).map((i: { id: string }) => ({ obligorId: core.id, invoiceIds: [i.id], maturityDate })) },
      { key: supplier.key },
    );
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    const ids: string[] = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
    const status = (id: string) => stack.api.get(`/v1/receivables/${id}`, { key: supplier.key }).then((r) => r.body);
    await eventually(async () => (await Promise.all(ids.map(status))).every((r) => r.status === "pending"), 30_000, "pending");
    const [p1, confirmed, p2] = ids;
    await stack.api.post("/v1/receivables/confirmations", { receivableIds: [confirmed] }, { key: core.key });
    await eventually(async () => (await status(confirmed)).status === "confirmed", 30_000, "confirmed");
    const cert = async (id: string) => (await status(id)).certificateId as string;

    // four cancellations queued at once, as four requests would: the second is of a confirmed
    // certificate (the ledger refuses it), the fourth repeats the first
    const [{ signer }] = await stack.ds.query(`SELECT signer FROM outbox WHERE organization_id = $1 AND kind = 'ledger.register' LIMIT 1`, [supplier.id]);
    const redis = new Redis(stack.config.REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new JobQueue(redis, stack.config.QUEUE_PREFIX);
    const outbox = new Outbox(queue, createLogger("silent", "test"));
    const rows = await stack.ds.transaction(async (em) => {
      const out = [];
      for (const id of [p1, confirmed, p2, p1]) out.push(await outbox.add(em, { kind: "ledger.cancel", signer, payload: { ids: [await cert(id)] }, organizationId: supplier.id }));
      return out;
    });
    await outbox.dispatch([rows[0]]); // one job: it claims the whole batch
    const done = await eventually(async () => {
      const r: { id: string; status: string; ledger_tx_id: string | null; error_code: string | null }[] = await stack.ds.query(
        `SELECT id::text, status, ledger_tx_id::text, error_code FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY id`,
        [rows.map((x) => x.id.toString())],
      );
      return r.every((x) => x.status === "mined" || x.status === "failed") ? r : null;
    }, 30_000, "every row finished");
    await queue.close();
    redis.disconnect();

    const [first, refused, third, repeat] = done;
    expect([first.status, third.status]).toEqual(["mined", "mined"]);
    expect(first.ledger_tx_id).toBe(third.ledger_tx_id); // one transaction for the good items
    expect([refused.status, refused.error_code, refused.ledger_tx_id]).toEqual(["failed", "RECEIVABLE.INVALID_STATUS", null]);
    // the repeat went on its own and was refused for its own reason (the certificate is cancelled by then)
    expect(repeat.status).toBe("failed");
    expect(repeat.error_code).toBe("RECEIVABLE.INVALID_STATUS");
    expect(repeat.ledger_tx_id).not.toBe(first.ledger_tx_id);
    await eventually(async () => (await status(p1)).status === "cancelled" && (await status(p2)).status === "cancelled", 30_000, "cancelled");
    expect((await status(confirmed)).status).toBe("confirmed");
  });

  it("fills a batch to the block period: rows arriving over half a block go in one transaction, drained just before the block", async () => {
    const supplier = orgs.get(TIER1)!;
    const core = orgs.get(CORE)!;
    const invoices = (await stack.api.get("/v1/invoices?status=verified&limit=20", { key: supplier.key })).body.items.filter(
      (i: { buyerTaxId: string; receivableId: string | null }) => i.buyerTaxId === CORE && !i.receivableId,
    );
    expect(invoices.length).toBeGreaterThanOrEqual(5);
    const maturityDate = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const registered = await stack.api.post(
      "/v1/receivables",
      { items: invoices.slice(0, 5).map((i: { id: string }) => ({ obligorId: core.id, invoiceIds: [i.id], maturityDate })) },
      { key: supplier.key },
    );
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    const ids: string[] = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
    const status = (id: string) => stack.api.get(`/v1/receivables/${id}`, { key: supplier.key }).then((r) => r.body.status as string);
    await eventually(async () => (await Promise.all(ids.map(status))).every((s) => s === "pending"), 30_000, "pending");

    // from here the ledger mines a block every second, as Besu QBFT does
    const ledger = new JsonRpcProvider(stack.config.LEDGER_RPC_URL, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const rpc = (method: string, params: unknown[] = []) => ledger.send(method, params);
    await rpc("evm_setAutomine", [false]);
    await rpc("evm_setIntervalMining", [1000]);
    try {
      // the worker learns the period from the blocks it sees once it has a batch to time: one
      // confirmation first, then four more once the period is known, one request every 100 ms
      // starting just after a block
      const confirm = (id: string) => stack.api.post("/v1/receivables/confirmations", { receivableIds: [id] }, { key: core.key });
      expect((await confirm(ids[0])).status).toBe(202);
      await eventually(async () => (await status(ids[0])) === "confirmed", 30_000, "first confirmed");
      await new Promise((r) => setTimeout(r, 5000));
      const [{ before }] = await stack.ds.query(`SELECT max(id)::text AS before FROM outbox`);
      const block = await rpc("eth_blockNumber");
      await eventually(async () => (await rpc("eth_blockNumber")) !== block, 5_000, "a new block");
      const sent = [];
      for (const id of ids.slice(1)) {
        sent.push(confirm(id));
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await Promise.all(sent)).map((r) => r.status)).toEqual([202, 202, 202, 202]);
      await eventually(async () => (await Promise.all(ids.map(status))).every((s) => s === "confirmed"), 30_000, "all confirmed");
      const txs: { ledger_tx_id: string }[] = await stack.ds.query(`SELECT DISTINCT ledger_tx_id::text FROM outbox WHERE kind = 'ledger.confirm' AND id > $1`, [before]);
      // with a 50 ms gathering window, four requests 100 ms apart made four transactions; drained
      // before the block they make one (two when a loaded machine stretches them past the drain)
      expect(txs.length).toBeLessThanOrEqual(2);
    } finally {
      await rpc("evm_setIntervalMining", [0]);
      await rpc("evm_setAutomine", [true]);
      ledger.destroy();
    }
  }, 120_000);
});
