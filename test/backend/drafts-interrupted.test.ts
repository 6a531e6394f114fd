/**
 * A draft whose approval dies mid-way (the API process stops between claiming the draft and
 * recording the outcome) does not stay `executing` for ever: the worker's drafts sweeper returns it
 * to a state people can act on, according to whether its action had an effect, and never lets the
 * action run twice.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomUUID } from "node:crypto";
import { Stack } from "./support/stack";
import { eventually } from "./support/http";
import { DraftsSweeper } from "../../backend/src/modules/approvals/drafts.sweeper";
import { asDraftExecution } from "../../backend/src/modules/approvals/draft-execution";
import { inTransaction } from "../../backend/src/shared/transaction";
import { createLogger } from "../../backend/src/shared/logger";

const ACTION = { method: "post", path: "/v1/settlement/repayment-authorization", body: { amount: "4200" } };

describe(DraftsSweeper.name, () => {
  let stack: Stack;
  let drafter: { key: string; orgId: string };
  let approver: { key: string; id: string };

  const draft = async () => {
    const d = await stack.api.post("/v1/drafts", ACTION, { key: drafter.key });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    return d.body.id as string;
  };
  const row = async (id: string) => (await stack.ds.query(`SELECT status, reason, result, applied, execution, decided_by FROM drafts WHERE id = $1`, [id]))[0];
  const outboxRows = async () => (await stack.ds.query(`SELECT count(*)::int AS n FROM outbox`))[0].n as number;
  /** The state a dead approval leaves: claimed by `approver` an hour ago, with or without an execution token. */
  const dieMidway = (id: string, execution: string | null) =>
    stack.ds.query(`UPDATE drafts SET status = 'executing', decided_by = $2, decided_at = now() - interval '1 hour', execution = $3, result = NULL WHERE id = $1`, [
      id,
      approver.id,
      execution,
    ]);

  beforeAll(async () => {
    // the worker's sweeper looks every 300 ms (the stack's OUTBOX_SWEEP_INTERVAL_MS) for drafts executing longer than 20 s
    stack = await Stack.start({ workers: 1, env: { DRAFT_EXECUTING_STALE_MS: "20000" } });
    const supplier = await stack.onboard(["supplier"]);
    drafter = { key: supplier.key, orgId: supplier.orgId };
    const user = await stack.api.post(`/v1/organizations/${supplier.orgId}/users`, { email: `approver-${randomUUID().slice(0, 8)}@drafts.example`, name: "Second Approver", role: "member", duty: "approver" }, { key: supplier.key });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const key = await stack.api.post("/v1/api-keys", { label: "approver", userId: user.body.id }, { key: supplier.key });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    approver = { key: key.body.key, id: user.body.id };
  });
  afterAll(async () => stack?.close());

  it("an approval that died after its action took effect: approved, its answer lost, never run again", async () => {
    const id = await draft();
    const before = await outboxRows();
    const approved = await stack.api.post(`/v1/drafts/${id}/approval`, {}, { key: approver.key });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    // the action's transaction marked the draft applied
    expect(await row(id)).toMatchObject({ status: "approved", applied: true });
    expect(await outboxRows()).toBe(before + 1);

    // the API process died before recording the outcome
    await stack.ds.query(`UPDATE drafts SET status = 'executing', result = NULL, reason = NULL, decided_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    await eventually(async () => (await row(id)).status !== "executing", 20_000, "the sweeper to move the draft");
    const swept = await stack.api.get(`/v1/drafts/${id}`, { key: drafter.key });
    expect(swept.body).toMatchObject({ status: "approved", result: null, decidedBy: { id: approver.id } });
    expect(swept.body.reason).toMatch(/carried out; its answer was not recorded/);
    expect((await stack.api.post(`/v1/drafts/${id}/approval`, {}, { key: approver.key })).status).toBe(409);
    expect(await outboxRows()).toBe(before + 1);
  });

  it("an approval that died before its action had any effect: pending again with a note; approving it then runs the action once", async () => {
    const id = await draft();
    const before = await outboxRows();
    const token = randomUUID();
    await dieMidway(id, token);
    await eventually(async () => (await row(id)).status !== "executing", 20_000, "the sweeper to move the draft");
    const swept = await stack.api.get(`/v1/drafts/${id}`, { key: drafter.key });
    expect(swept.body).toMatchObject({ status: "pending", decidedBy: null, decidedAt: null });
    expect(swept.body.reason).toMatch(/^An approval by Second Approver at \d{4}-\d\d-\d\d \d\d:\d\d UTC was interrupted before the action had any effect/);
    expect(await row(id)).toMatchObject({ execution: null, applied: false });

    // the interrupted approval, were it still alive, can no longer write anything
    const [org] = await stack.ds.query(`SELECT legal_name FROM organizations WHERE id = $1`, [drafter.orgId]);
    const late = asDraftExecution({ draftId: id, execution: token }, () =>
      inTransaction(stack.ds, (em) => em.query(`UPDATE organizations SET legal_name = legal_name || ' (late)' WHERE id = $1`, [drafter.orgId])),
    );
    await expect(late).rejects.toMatchObject({ code: "DRAFT.INTERRUPTED" });
    expect((await stack.ds.query(`SELECT legal_name FROM organizations WHERE id = $1`, [drafter.orgId]))[0].legal_name).toBe(org.legal_name);

    const approved = await stack.api.post(`/v1/drafts/${id}/approval`, {}, { key: approver.key });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.draft).toMatchObject({ status: "approved", reason: null });
    expect(await outboxRows()).toBe(before + 1);
  });

  it("an approval claimed before approvals recorded their effect: failed, saying that whether it ran is unknown", async () => {
    const id = await draft();
    await dieMidway(id, null);
    await eventually(async () => (await row(id)).status !== "executing", 20_000, "the sweeper to move the draft");
    const swept = await stack.api.get(`/v1/drafts/${id}`, { key: drafter.key });
    expect(swept.body.status).toBe("failed");
    expect(swept.body.reason).toMatch(/whether the action was carried out is not known/);
  });

  it("an approval whose action is refused when it runs: failed with the reason, nothing applied", async () => {
    const d = await stack.api.post("/v1/drafts", { method: "post", path: `/v1/receivables/${randomUUID()}/transfers`, body: { organizationId: drafter.orgId } }, { key: drafter.key });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    const approved = await stack.api.post(`/v1/drafts/${d.body.id}/approval`, {}, { key: approver.key });
    expect(approved.status).toBeGreaterThanOrEqual(400);
    expect(approved.status).toBeLessThan(500);
    expect(await row(d.body.id)).toMatchObject({ status: "failed", applied: false });
    expect((await row(d.body.id)).reason).toContain(approved.body.code);
  });

  it("leaves an approval that is still running alone, and moves each stuck draft once", async () => {
    const id = await draft();
    await stack.ds.query(`UPDATE drafts SET status = 'executing', decided_by = $2, decided_at = now(), execution = $3 WHERE id = $1`, [id, approver.id, randomUUID()]);
    // younger than the worker's 20 s throughout: only this test's sweeper (5 s) sees it stale
    const sweeper = new DraftsSweeper(stack.ds, { intervalMs: 1000, staleMs: 5000 }, createLogger("silent", "test"));
    expect(await sweeper.sweep()).toEqual({ approved: [], pending: [], failed: [] });
    expect((await row(id)).status).toBe("executing");
    await stack.ds.query(`UPDATE drafts SET decided_at = now() - interval '10 seconds' WHERE id = $1`, [id]);
    const [first, second] = await Promise.all([sweeper.sweep(), sweeper.sweep()]);
    expect([...first.pending, ...second.pending]).toEqual([id]);
  });
});
