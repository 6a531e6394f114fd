import { randomUUID } from "node:crypto";
import type { RawReply } from "../support/openapi-probe";
import { Findings, firstDifference, lists, reads, writesOn } from "./checks";
import { each, type ProbeTable, type TenantProbe } from "./probe";
import type { Caller, TenantName } from "./world";

/** Four-eyes drafts: a draft is its organization's alone, to read, approve or reject. */
const probes: TenantProbe[] = [
  {
    endpoint: "POST /v1/drafts",
    run: async (t) => {
      // a draft is its drafter's organization's: naming another tenant's quote answers as a random one, the draft lands in the
      // caller's organization, and nothing of the other tenant shows
      const { callers, call, world, stack, leaks, labelOf } = t;
      const f = new Findings(t);
      const made: [Caller, string][] = [];
      await each(callers, async (c) => {
        const random = randomUUID();
        const theirs = c.party.label === "supplierA" ? world.quotes.B2bankA : world.quotes.A1bankB;
        const control = await call("POST", "/v1/drafts", c.person.key, { method: "post", path: `/v1/quotes/${random}/acceptance`, body: {} });
        const r = await call("POST", "/v1/drafts", c.person.key, { method: "post", path: `/v1/quotes/${theirs}/acceptance`, body: {} });
        const what = `${c.name} drafts accepting another supplier's quote`;
        const gist = (x: RawReply, id: string) => JSON.stringify({ status: x.status, code: x.body?.code, action: x.body?.action, state: x.body?.status, path: String(x.body?.path ?? "").replace(id, "<id>"), detail: String(x.body?.detail ?? "").replace(id, "<id>") });
        if (gist(r, theirs) !== gist(control, random)) f.add(what, `answered otherwise than for a random quote: ${firstDifference(gist(r, theirs), gist(control, random))}`);
        f.add(what, leaks(r, c.party, [theirs]));
        for (const x of [r, control]) if (x.status === 201) made.push([c, x.body.id]);
      });
      for (const [c, id] of made) {
        const [row] = (await stack.ds.query(`SELECT organization_id, created_by FROM drafts WHERE id = $1`, [id])) as { organization_id: string; created_by: string }[];
        if (row.organization_id !== c.party.orgId || row.created_by !== c.person.userId) f.add(`${c.name}'s draft ${id}`, `stored for ${labelOf(row.organization_id)} by ${row.created_by}`);
      }
      // these drafts name other tenants' quotes (sent by their drafters): gone, so that no later probe meets those ids in a list
      await stack.ds.query(`DELETE FROM drafts WHERE id = ANY($1::uuid[])`, [made.map(([, id]) => id)]);
      f.done();
    },
  },
  {
    endpoint: "GET /v1/drafts",
    run: (t) =>
      lists(t, "/v1/drafts?limit=500", (c, r) => {
        const ids = (r.body.items as { id: string }[]).map((d) => d.id);
        const problems = Object.entries(t.drafts)
          .filter(([label, id]) => label !== c.party.label && ids.includes(id))
          .map(([label]) => `lists ${label}'s draft`);
        if (!ids.includes(t.drafts[c.party.label as TenantName])) problems.push("misses its own draft");
        return problems;
      }),
  },
  {
    endpoint: "GET /v1/drafts/{id}",
    run: (t) =>
      // its own organization's only: auditors and the operator read every certificate, but not other organizations' drafts
      reads(t, (id) => `/v1/drafts/${id}`, t.draftTargets(), { auditorsRead: false }),
  },
  {
    endpoint: "POST /v1/drafts/{id}/approval",
    run: (t) =>
      writesOn(t, "approve", "POST", (id) => `/v1/drafts/${id}/approval`, undefined, t.draftTargets(), {
        // its own organization's other approvers would approve it: only other organizations are probed
        skip: (c, target) => target.gets.includes(c.party.label as TenantName),
      }),
  },
  {
    endpoint: "POST /v1/drafts/{id}/rejection",
    run: (t) =>
      writesOn(t, "reject", "POST", (id) => `/v1/drafts/${id}/rejection`, () => ({ reason: "not yours to decide" }), t.draftTargets(), {
        skip: (c, target) => target.gets.includes(c.party.label as TenantName),
      }),
  },
  {
    endpoint: "POST /v1/drafts/{id}/withdrawal",
    run: (t) =>
      writesOn(t, "withdraw", "POST", (id) => `/v1/drafts/${id}/withdrawal`, undefined, t.draftTargets(), {
        // its own drafter would withdraw it: only other organizations are probed
        skip: (c, target) => target.gets.includes(c.party.label as TenantName),
      }),
  },
  {
    endpoint: "GET /v1/drafts/waiting-subjects",
    run: (t) =>
      lists(t, "/v1/drafts/waiting-subjects", (c, r) =>
        Object.entries(t.drafts)
          .filter(([label]) => label !== c.party.label)
          .filter(([, id]) => (r.body.items as { draftId: string }[]).some((i) => i.draftId === id))
          .map(([label]) => `lists what ${label}'s draft touches`),
      ),
  },
];

export const approvals: ProbeTable = { tag: "Approvals", probes };
