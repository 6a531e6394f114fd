import { randomBytes, randomUUID } from "node:crypto";
import type { RawReply } from "../support/openapi-probe";
import { Findings, escapeRe, firstDifference, unchanged } from "./checks";
import { each, inTurn, type ProbeTable, type TenantProbe } from "./probe";
import { hasRole, isReader, type Tenants } from "./world";

/** A bank's reconciliation report and statements: its own; auditors name any bank; another bank's are absent. */
async function reconciliationReads(t: Tenants, what: "report" | "statements") {
  const { callers, call, world, tenants, leaks } = t;
  const path = (q: string) => `/v1/reconciliation/${what}?${what === "report" ? `date=${world.today}&` : ""}${q}`;
  const f = new Findings(t);
  await each(callers, async (c) => {
    const bank = c.party.roles.includes("bank");
    const reader = isReader(c.party);
    const own = await call("GET", path(""), c.person.key);
    const name = `${c.name} reads its ${what}`;
    if (!bank && !reader) {
      if (own.status !== 403) f.add(name, `status ${own.status} (not a bank)`);
    } else if (bank) {
      if (own.status !== 200) f.add(name, `status ${own.status}`);
      const text = own.text;
      const mineOnly = what === "report" ? own.body.bankId === c.party.orgId : (own.body.items as { bankId: string }[]).every((s) => s.bankId === c.party.orgId);
      if (!mineOnly) f.add(name, "holds another bank's books");
      // bank B's statement names bank A's financing: its report shows bank B's line, nothing of bank A's record
      f.add(name, leaks(own, c.party, c.party.label === "bankB" ? [world.fin.A1] : []));
      if (c.party.label === "bankB" && what === "report" && /"financingId":"[^"]*"/.test(text) && text.includes(`"financingId":"${world.fin.A1}"`)) f.add(name, "reports bank A's financing as bank B's");
    }
    const random = randomUUID();
    const control = await call("GET", path(`bankId=${random}`), c.person.key);
    for (const other of [tenants.bankA, tenants.bankB, tenants.bankC]) {
      if (other === c.party) continue;
      const r = await call("GET", path(`bankId=${other.orgId}`), c.person.key);
      const label = `${c.name} reads ${other.label}'s ${what}`;
      if (reader) {
        if (r.status !== 200) f.add(label, `status ${r.status}`);
      } else f.hidden(label, r, control, other.orgId, random, c.party, bank ? [404] : [403]);
    }
  });
  f.done();
}

/** A bank's statements and reconciliation report: its own books only (auditors read any bank's). */
const probes: TenantProbe[] = [
  { endpoint: "GET /v1/reconciliation/report", run: (t) => reconciliationReads(t, "report") },
  { endpoint: "GET /v1/reconciliation/statements", run: (t) => reconciliationReads(t, "statements") },
  {
    endpoint: "POST /v1/reconciliation/statements",
    run: async (t) => {
      // a statement line naming another bank's financing is answered exactly as one naming nothing: it is "not a financing of your bank"
      const { callers, call, world, stack, foreignData, leaks } = t;
      const f = new Findings(t);
      const yesterday = new Date(Date.parse(`${world.today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      const HEADER = "value_date,reference,type,amount,counterparty,bank_reference";
      const [certA1] = (await stack.ds.query(`SELECT chain_id::text AS chain_id FROM receivables WHERE id = $1`, [world.r.A1])) as { chain_id: string }[];
      await inTurn(callers, async (c) => {
        const bank = c.party.label;
        const theirs = bank === "bankA" ? [world.fin.B1, world.r.B1] : [world.fin.A1, world.r.A1, certA1.chain_id];
        const randoms = theirs.map((x) => (/^\d+$/.test(x) ? String(BigInt(x) + 100000n) : randomUUID()));
        const csv = (refs: string[]) => [HEADER, ...refs.map((ref, i) => `${yesterday},${ref},advance,1000000,,${c.role}-${randomBytes(3).toString("hex")}-${i}`)].join("\n");
        const body = (refs: string[]) => ({ date: yesterday, csv: csv(refs) });
        if (!hasRole(c.party, ["bank"])) {
          await unchanged(t, `${c.name} uploads`, f, async () => {
            const r = await call("POST", "/v1/reconciliation/statements", c.person.key, body(theirs));
            if (r.status !== 403) f.add(`${c.name} uploads a statement`, `status ${r.status}`);
            f.add(`${c.name} uploads a statement`, foreignData(r, c.party));
          });
          return;
        }
        const a = await call("POST", "/v1/reconciliation/statements", c.person.key, body(theirs));
        const reportA = await call("GET", `/v1/reconciliation/report?date=${yesterday}`, c.person.key);
        const b = await call("POST", "/v1/reconciliation/statements", c.person.key, body(randoms));
        const reportB = await call("GET", `/v1/reconciliation/report?date=${yesterday}`, c.person.key);
        const gist = (r: RawReply, refs: string[]) => {
          let text = JSON.stringify(r.body?.reconciliation ?? { statement: r.body?.statement?.lines, matched: r.body?.statement?.matchedLines, mismatches: r.body?.mismatches, unmatched: r.body?.unmatchedStatementLines });
          // line numbers are the same in both uploads; then each reference as a whole token (a certificate id may be "4")
          text = text.replace(/Statement line \d+/g, "Statement line #").replace(/"(statementLine|line)":\d+/g, '"$1":#');
          // (never a JSON number after ":": a count of 3 is no certificate id "3")
          refs.forEach((ref, i) => (text = text.replace(new RegExp(`(?<![0-9A-Za-z:-])${escapeRe(ref)}(?![0-9A-Za-z-])`, "g"), `<ref${i}>`)));
          return text.replace(/"bankReference":"[^"]*"/g, "").replace(/\([^)]*-\d\)/g, "");
        };
        const what = `${c.name} uploads a statement naming other banks' financing, certificate and certificate id`;
        if (a.status !== 201 || b.status !== 201) f.add(what, `statuses ${a.status}, ${b.status}: ${a.text.slice(0, 200)}`);
        if (gist(a, theirs) !== gist(b, randoms)) f.add(what, `answered otherwise than for random references: ${firstDifference(gist(a, theirs), gist(b, randoms))}`);
        if (gist(reportA, theirs) !== gist(reportB, randoms)) f.add(`${what}: the report`, `differs from the one for random references: ${firstDifference(gist(reportA, theirs), gist(reportB, randoms))}`);
        for (const r of [a, reportA]) f.add(what, leaks(r, c.party, theirs));
      });
      f.done();
    },
  },
];

export const reconciliation: ProbeTable = { tag: "Reconciliation", probes };
