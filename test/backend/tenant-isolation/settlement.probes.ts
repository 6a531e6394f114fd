import { randomUUID } from "node:crypto";
import { Findings, lists, unchanged } from "./checks";
import { each, some, type ProbeTable, type TenantProbe } from "./probe";
import { hasRole, isReader, type Party, type Tenants } from "./world";

/** A settlement account and its movements: one's own; the issuer and auditors read any; anyone else finds other organizations absent. */
async function settlementReads(t: Tenants, what: "account" | "movements") {
  const { callers, call, othersOf, labelOf, leaks } = t;
  const f = new Findings(t);
  await each(callers, async (c) => {
    const own = await call("GET", `/v1/settlement/${what}`, c.person.key);
    if (own.status !== 200) f.add(`${c.name} reads its own ${what}`, `status ${own.status}`);
    else if (what === "account" && own.body.organizationId !== c.party.orgId) f.add(`${c.name} reads its own account`, `got ${labelOf(own.body.organizationId)}'s`);
    f.add(`${c.name} reads its own ${what}`, leaks(own, c.party));
    const random = randomUUID();
    const control = await call("GET", `/v1/settlement/${what}?organizationId=${random}`, c.person.key);
    for (const other of some(`others for ${c.name}`, othersOf(c.party))) {
      const r = await call("GET", `/v1/settlement/${what}?organizationId=${other.orgId}`, c.person.key);
      const label = `${c.name} reads ${other.label}'s ${what}`;
      if (isReader(c.party) || c.party.label === "issuer") {
        if (r.status !== 200) f.add(label, `status ${r.status}`);
      } else f.hidden(label, r, control, other.orgId, random, c.party);
    }
  });
  f.done();
}

/** A payout account number of each party's own, made from its id (the same every time the probes set it). */
const accountNumberOf = (p: Party) => `6222${BigInt(`0x${p.orgId.replace(/-/g, "").slice(0, 12)}`).toString().padStart(15, "0").slice(0, 15)}`;
const payoutSet = new WeakMap<Tenants, Promise<void>>();
/** Every member's admin (an approver) sets its payout account, once per world. */
function payoutAccounts(t: Tenants) {
  if (!payoutSet.has(t))
    payoutSet.set(
      t,
      each(
        t.callers.filter((c) => c.role === "admin" && !isReader(c.party)),
        async (c) => {
          const r = await t.call("POST", "/v1/settlement/payout-account", c.person.key, { bankName: "中国工商银行", accountName: c.party.legalName, accountNumber: accountNumberOf(c.party) });
          if (r.status !== 200) throw new Error(`${c.name} sets its payout account: ${r.status} ${r.text}`);
        },
      ),
    );
  return payoutSet.get(t)!;
}
/** Other parties' full account numbers in a reply. */
const fullNumbersOf = (t: Tenants, r: { text: string }, caller: Party) => t.othersOf(caller).filter((o) => r.text.includes(accountNumberOf(o))).map((o) => `${o.label}'s full account number`);

/** A payout account: its own people read it (in full only to its approvers), auditors read any masked, other members find it absent. */
async function payoutReads(t: Tenants) {
  await payoutAccounts(t);
  const { callers, call, othersOf } = t;
  const f = new Findings(t);
  await each(callers, async (c) => {
    const own = await call("GET", "/v1/settlement/payout-account", c.person.key);
    const label = `${c.name} reads its own payout account`;
    if (own.status !== 200) f.add(label, `status ${own.status}`);
    else if (own.body.organizationId !== c.party.orgId) f.add(label, `got ${t.labelOf(own.body.organizationId)}'s`);
    else if (!isReader(c.party) && own.body.account?.accountNumber !== accountNumberOf(c.party)) f.add(label, `not its own number in full: ${own.text}`);
    f.add(label, fullNumbersOf(t, own, c.party));
    const random = randomUUID();
    const control = await call("GET", `/v1/settlement/payout-account?organizationId=${random}`, c.person.key);
    for (const other of some(`others for ${c.name} (payout)`, othersOf(c.party))) {
      const r = await call("GET", `/v1/settlement/payout-account?organizationId=${other.orgId}`, c.person.key);
      const what = `${c.name} reads ${other.label}'s payout account`;
      f.add(what, fullNumbersOf(t, r, c.party));
      if (isReader(c.party)) {
        if (r.status !== 200) f.add(what, `status ${r.status}`);
        else if (r.body.account && !(r.body.account.masked === true && r.body.account.accountNumber === `****${accountNumberOf(other).slice(-4)}`)) f.add(what, `not masked: ${r.text}`);
      } else f.hidden(what, r, control, other.orgId, random, c.party);
    }
  });
  f.done();
}

/** Settlement tokens: only the issuer mints; a member moves and reads its own account only (the issuer and auditors read any). */
const probes: TenantProbe[] = [
  {
    endpoint: "POST /v1/settlement/deposits",
    run: async (t) => {
      // only the settlement issuer mints, and only to active members
      const { callers, call, tenants, pending } = t;
      const f = new Findings(t);
      await unchanged(t, "deposit", f, async () => {
        await each(callers, async (c) => {
          const random = randomUUID();
          const control = await call("POST", "/v1/settlement/deposits", c.person.key, { organizationId: random, amount: "100" });
          for (const target of [tenants.supplierB, tenants.bankA, pending, c.party]) {
            if (c.party.label === "issuer" && target !== pending) continue; // its job
            const r = await call("POST", "/v1/settlement/deposits", c.person.key, { organizationId: target.orgId, amount: "100" });
            // the issuer pays members by id and may read any account: it may learn whom an id names
            if (c.party.label === "issuer") f.refused(`issuer deposits to ${target.label}`, r, c.party, [target.orgId, target.legalName]);
            else f.hidden(`${c.name} deposits to ${target.label}`, r, control, target.orgId, random, c.party, [403]);
          }
        });
      });
      f.done();
    },
  },
  {
    endpoint: "POST /v1/settlement/withdrawals",
    run: async (t) => {
      // a member withdraws its own tokens only: more than it holds is refused, naming its own balance
      const { callers, call, foreignData } = t;
      const f = new Findings(t);
      await unchanged(t, "withdraw", f, async () => {
        await each(callers, async (c) => {
          const r = await call("POST", "/v1/settlement/withdrawals", c.person.key, { amount: "999999999999999999" });
          f.refused(`${c.name} withdraws more than it holds`, r, c.party);
          f.add(`${c.name} withdraws more than it holds`, foreignData(r, c.party));
        });
      });
      f.done();
    },
  },
  {
    endpoint: "POST /v1/settlement/repayment-authorization",
    run: async (t) => {
      // core enterprises (repayments) and suppliers (recourse) authorize pulls from their own account; nobody else
      const { callers, call, foreignData } = t;
      const f = new Findings(t);
      await unchanged(t, "authorize repayment", f, async () => {
        await each(callers.filter((x) => !hasRole(x.party, ["core_enterprise", "supplier"])), async (c) => {
          const r = await call("POST", "/v1/settlement/repayment-authorization", c.person.key, { amount: "1" });
          if (r.status !== 403) f.add(`${c.name} authorizes repayment`, `status ${r.status}`);
          f.add(`${c.name} authorizes repayment`, foreignData(r, c.party));
        });
      });
      f.done();
    },
  },
  {
    endpoint: "POST /v1/settlement/payout-account",
    run: async (t) => {
      // a member sets its own payout account only (the body names none): every other's stays its own
      await payoutAccounts(t);
      const f = new Findings(t);
      await each(t.callers, async (c) => {
        const r = await t.call("POST", "/v1/settlement/payout-account", c.person.key, { bankName: "中国银行", accountName: c.party.legalName, accountNumber: accountNumberOf(c.party) });
        const what = `${c.name} sets its payout account`;
        if (isReader(c.party)) {
          if (r.status !== 403) f.add(what, `status ${r.status} (an auditor changes nothing)`);
        } else if (r.status !== 200 || r.body.organizationId !== c.party.orgId) f.add(what, `status ${r.status}: ${r.text.slice(0, 300)}`);
        f.add(what, fullNumbersOf(t, r, c.party));
        f.add(what, t.leaks(r, c.party));
      });
      for (const p of t.everyone().filter((p) => !isReader(p) && t.callers.some((c) => c.party === p && c.role === "admin"))) {
        const r = await t.call("GET", `/v1/settlement/payout-account?organizationId=${p.orgId}`, t.stack.operatorKey);
        if (r.body.account?.accountNumber !== `****${accountNumberOf(p).slice(-4)}`) f.add(`${p.label}'s payout account`, `is now ${r.text.slice(0, 300)}`);
      }
      f.done();
    },
  },
  { endpoint: "GET /v1/settlement/payout-account", run: (t) => payoutReads(t) },
  { endpoint: "GET /v1/settlement/account", run: (t) => settlementReads(t, "account") },
  { endpoint: "GET /v1/settlement/movements", run: (t) => settlementReads(t, "movements") },
  {
    endpoint: "GET /v1/settlement/repayment-coverage",
    run: (t) =>
      lists(t, "/v1/settlement/repayment-coverage", (c, r) => (r.body.organizationId !== c.party.orgId ? `covers ${t.labelOf(r.body.organizationId)}` : false), { roles: ["core_enterprise"] }),
  },
];

export const settlement: ProbeTable = { tag: "Settlement", probes };
