import { randomBytes, randomUUID } from "node:crypto";
import { expect } from "vitest";
import { randomUscc } from "../support/stack";
import { jsonHeaders, rawRequest } from "../support/openapi-probe";
import { Findings, lists, unchanged } from "./checks";
import { FULL, each, some, type ProbeTable, type TenantProbe } from "./probe";
import { isReader, secretOf, type Party, type Role, type Tenants } from "./world";

/** Operator-only writes: every tenant (auditors included) is refused, identically for a real and a random id, and nothing changes. */
async function operatorOnlyWrite(t: Tenants, action: string, body: object, targets: Party[]) {
  const { callers, call, stack, everyone, othersOf, op } = t;
  const f = new Findings(t);
  const states = async () => Promise.all(everyone().map(async (o) => (await stack.api.get(`/v1/organizations/${o.orgId}`, op())).body.status as string));
  const before = await states();
  await unchanged(t, action, f, async () => {
    await each(callers, async (c) => {
      const random = randomUUID();
      const control = await call("POST", `/v1/organizations/${random}/${action}`, c.person.key, body);
      if (control.status !== 403) f.add(`${c.name} ${action} on a random id`, `status ${control.status}`);
      const aimed = [...new Set([...targets, ...othersOf(c.party).slice(0, 3), c.party])];
      for (const target of aimed) {
        const r = await call("POST", `/v1/organizations/${target.orgId}/${action}`, c.person.key, body);
        f.hidden(`${c.name} ${action} on ${target.label}`, r, control, target.orgId, random, c.party, [403]);
      }
    });
  });
  const after = await states();
  f.add(`${action}: organization states`, JSON.stringify(before) !== JSON.stringify(after) ? `${JSON.stringify(before)} → ${JSON.stringify(after)}` : false);
  f.done();
}

/** Organizations, their users, API keys and operations: an organization's own, read across tenants by the operator and auditors only. */
const probes: TenantProbe[] = [
  {
    endpoint: "GET /v1/me",
    run: async (t) => {
      const { callers, call, foreignData } = t;
      const f = new Findings(t);
      await each(callers, async (c) => {
        const r = await call("GET", "/v1/me", c.person.key);
        if (r.status !== 200) f.add(c.name, `status ${r.status}`);
        else {
          if (r.body.user.id !== c.person.userId) f.add(c.name, `user ${r.body.user.id}, expected ${c.person.userId}`);
          if (r.body.organization.id !== c.party.orgId) f.add(c.name, `organization ${r.body.organization.id}, expected ${c.party.orgId}`);
        }
        f.add(c.name, foreignData(r, c.party));
      });
      f.done();
    },
  },
  {
    endpoint: "GET /v1/organizations",
    run: async (t) => {
      const { callers, call, stack, everyone, othersOf, foreignData } = t;
      const f = new Findings(t);
      await each(callers, async (c) => {
        const all = await call("GET", "/v1/organizations?limit=200", c.person.key);
        const ids = (all.body?.items ?? []).map((o: { id: string }) => o.id);
        if (isReader(c.party)) {
          const missing = everyone().filter((o) => !ids.includes(o.orgId));
          f.add(`${c.name} (auditor reads all)`, missing.length ? `list misses ${missing.map((o) => o.label).join(", ")}` : false);
          return;
        }
        if (JSON.stringify(ids) !== JSON.stringify([c.party.orgId])) f.add(c.name, `list is ${JSON.stringify(ids)}, expected only its own organization`);
        f.add(c.name, foreignData(all, c.party));
        // paging from another organization's id must not widen the scope either
        for (const other of some(`others for ${c.name}`, othersOf(c.party))) {
          const page = await call("GET", `/v1/organizations?limit=1&after=${other.orgId}`, c.person.key);
          const pageIds = (page.body?.items ?? []).map((o: { id: string }) => o.id);
          if (page.status !== 200 || pageIds.some((id: string) => id !== c.party.orgId)) f.add(`${c.name} after ${other.label}`, `${page.status} ${JSON.stringify(pageIds)}`);
          f.add(`${c.name} after ${other.label}`, foreignData(page, c.party, [other.orgId]));
        }
      });
      const opList = await call("GET", "/v1/organizations?limit=200", stack.operatorKey);
      const opIds = (opList.body?.items ?? []).map((o: { id: string }) => o.id);
      f.add("operator reads all", everyone().filter((o) => !opIds.includes(o.orgId)).map((o) => `list misses ${o.label}`));
      f.done();
    },
  },
  {
    endpoint: "GET /v1/organizations/{id}",
    run: async (t) => {
      const { callers, call, stack, everyone, othersOf } = t;
      const f = new Findings(t);
      await each(callers, async (c) => {
        const random = randomUUID();
        const control = await call("GET", `/v1/organizations/${random}`, c.person.key);
        if (control.status !== 404) f.add(`${c.name} random id`, `status ${control.status}`);
        const own = await call("GET", `/v1/organizations/${c.party.orgId}`, c.person.key);
        if (own.status !== 200 || own.body.id !== c.party.orgId) f.add(`${c.name} own`, `status ${own.status}`);
        // UUIDs are case-insensitive: its own id in capitals is still its own
        const ownUpper = await call("GET", `/v1/organizations/${c.party.orgId.toUpperCase()}`, c.person.key);
        if (ownUpper.status !== 200 || ownUpper.body.id !== c.party.orgId) f.add(`${c.name} own id in capitals`, `status ${ownUpper.status}`);
        for (const other of some(`others for ${c.name}`, othersOf(c.party))) {
          const r = await call("GET", `/v1/organizations/${other.orgId}`, c.person.key);
          if (isReader(c.party)) {
            if (r.status !== 200 || r.body.id !== other.orgId) f.add(`${c.name} reads ${other.label}`, `status ${r.status}`);
            continue;
          }
          f.hidden(`${c.name} reads ${other.label}`, r, control, other.orgId, random, c.party);
          // the same id spelled in capitals is still someone else's
          const upper = await call("GET", `/v1/organizations/${other.orgId.toUpperCase()}`, c.person.key);
          f.hidden(`${c.name} reads ${other.label} (upper case id)`, upper, control, other.orgId.toUpperCase(), random, c.party);
        }
      });
      for (const o of everyone()) {
        const r = await call("GET", `/v1/organizations/${o.orgId}`, stack.operatorKey);
        if (r.status !== 200) f.add(`operator reads ${o.label}`, `status ${r.status}`);
      }
      f.done();
    },
  },
  {
    endpoint: "POST /v1/organizations",
    run: async (t) => {
      const { callers, call, tenants, foreignData } = t;
      const f = new Findings(t);
      await unchanged(t, "create organization", f, async () => {
        await each(callers, async (c) => {
          // copying another tenant's registration: a 409 "already registered" would confirm it exists
          for (const other of [tenants.supplierA, tenants.bankB]) {
            const body = { legalName: other.legalName, unifiedSocialCreditCode: other.uscc, roles: ["bank"], ...(other.ledgerAddress ? { ledgerAddress: other.ledgerAddress } : {}) };
            const r = await call("POST", "/v1/organizations", c.person.key, body);
            if (r.status !== 403) f.add(`${c.name} registers a copy of ${other.label}`, `status ${r.status} ${r.text.slice(0, 200)}`);
            f.add(`${c.name} registers a copy of ${other.label}`, foreignData(r, c.party, [JSON.stringify(body)]));
          }
          const fresh = await call("POST", "/v1/organizations", c.person.key, { legalName: "Shell Co", unifiedSocialCreditCode: randomUscc(), roles: ["bank"] });
          if (fresh.status !== 403) f.add(`${c.name} registers an organization`, `status ${fresh.status}`);
        });
      });
      f.done();
    },
  },
  { endpoint: "POST /v1/organizations/{id}/kyc-approval", run: (t) => operatorOnlyWrite(t, "kyc-approval", {}, [t.pending]) },
  { endpoint: "POST /v1/organizations/{id}/suspension", run: (t) => operatorOnlyWrite(t, "suspension", { reason: "hostile takeover" }, Object.values(t.tenants)) },
  { endpoint: "POST /v1/organizations/{id}/reinstatement", run: (t) => operatorOnlyWrite(t, "reinstatement", {}, [t.suspended]) },
  {
    endpoint: "POST /v1/organizations/{id}/users",
    run: async (t) => {
      const { callers, call, othersOf } = t;
      const f = new Findings(t);
      await unchanged(t, "add user", f, async () => {
        await each(callers, async (c) => {
          const body = () => ({ email: `intruder-${randomBytes(3).toString("hex")}@evil.example`, name: "Intruder", role: "admin" });
          const random = randomUUID();
          const control = await call("POST", `/v1/organizations/${random}/users`, c.person.key, body());
          for (const other of some(`others for ${c.name}`, othersOf(c.party))) {
            const r = await call("POST", `/v1/organizations/${other.orgId}/users`, c.person.key, body());
            f.hidden(`${c.name} adds a user to ${other.label}`, r, control, other.orgId, random, c.party);
          }
          if (c.role === "member") {
            const r = await call("POST", `/v1/organizations/${c.party.orgId}/users`, c.person.key, body());
            if (r.status !== 403) f.add(`${c.name} adds a user to its own organization`, `status ${r.status} (members are not admins)`);
          }
        });
      });
      f.done();
    },
  },
  {
    endpoint: "GET /v1/organizations/{id}/users",
    run: async (t) => {
      const { callers, call, stack, everyone, othersOf, foreignData } = t;
      const f = new Findings(t);
      await each(callers, async (c) => {
        const own = await call("GET", `/v1/organizations/${c.party.orgId}/users`, c.person.key);
        const ownItems = (own.body?.items ?? []) as { id: string; organizationId: string }[];
        if (own.status !== 200 || ownItems.some((u) => u.organizationId !== c.party.orgId)) f.add(`${c.name} lists own users`, `${own.status} ${own.text.slice(0, 200)}`);
        if (!ownItems.some((u) => u.id === c.party.member.userId)) f.add(`${c.name} lists own users`, "its own member is missing");
        if (!isReader(c.party)) f.add(`${c.name} lists own users`, foreignData(own, c.party));
        const random = randomUUID();
        const control = await call("GET", `/v1/organizations/${random}/users`, c.person.key);
        for (const other of some(`others for ${c.name}`, othersOf(c.party))) {
          const r = await call("GET", `/v1/organizations/${other.orgId}/users`, c.person.key);
          if (isReader(c.party)) {
            const ids = (r.body?.items ?? []).map((u: { id: string }) => u.id);
            if (r.status !== 200 || !ids.includes(other.member.userId)) f.add(`${c.name} reads ${other.label}'s users`, `status ${r.status}`);
            continue;
          }
          f.hidden(`${c.name} lists ${other.label}'s users`, r, control, other.orgId, random, c.party);
        }
      });
      for (const o of everyone()) {
        const r = await call("GET", `/v1/organizations/${o.orgId}/users`, stack.operatorKey);
        if (r.status !== 200) f.add(`operator reads ${o.label}'s users`, `status ${r.status}`);
      }
      f.done();
    },
  },
  {
    endpoint: "POST /v1/api-keys",
    run: async (t) => {
      const { callers, call, othersOf } = t;
      const f = new Findings(t);
      await unchanged(t, "issue key", f, async () => {
        await each(callers, async (c) => {
          const random = randomUUID();
          const control = await call("POST", "/v1/api-keys", c.person.key, { label: "x", userId: random });
          for (const other of some(`others for ${c.name}`, othersOf(c.party))) {
            for (const victim of [other.admin, other.member]) {
              const r = await call("POST", "/v1/api-keys", c.person.key, { label: "stolen", userId: victim.userId });
              f.hidden(`${c.name} issues a key for ${other.label}'s user`, r, control, victim.userId, random, c.party);
            }
          }
          if (c.role === "member") {
            const r = await call("POST", "/v1/api-keys", c.person.key, { label: "stolen", userId: c.party.admin.userId });
            if (r.status !== 403) f.add(`${c.name} issues a key for its own admin`, `status ${r.status}`);
          }
        });
      });
      f.done();
    },
  },
  {
    endpoint: "GET /v1/api-keys",
    run: async (t) => {
      const { callers, call, operator, foreignData } = t;
      const f = new Findings(t);
      for (const c of [...callers, ...[operator].map((p) => ({ party: p, role: "admin" as Role, person: p.admin, name: "operator admin" }))]) {
        const r = await call("GET", "/v1/api-keys", c.person.key);
        const items = (r.body?.items ?? []) as { id: string; userId: string; organizationId: string }[];
        if (r.status !== 200) f.add(c.name, `status ${r.status}`);
        const ids = items.map((k) => k.id);
        if (c.role === "admin") {
          if (items.some((k) => k.organizationId !== c.party.orgId)) f.add(c.name, "lists keys of another organization");
          if (!ids.includes(c.party.member.keyId)) f.add(c.name, "misses its member's key");
        } else {
          if (items.some((k) => k.userId !== c.person.userId)) f.add(c.name, "a member sees keys of other users");
          if (ids.includes(c.party.admin.keyId) || ids.includes(c.party.admin.spareKeyId)) f.add(c.name, "a member sees its admin's keys");
          if (!ids.includes(c.person.spareKeyId)) f.add(c.name, "misses its own spare key");
        }
        f.add(c.name, foreignData(r, c.party));
        if (r.text.includes(secretOf(c.party.admin.key)) || r.text.includes(secretOf(c.party.member.key))) f.add(c.name, "a key secret is listed");
      }
      f.done();
    },
  },
  {
    endpoint: "DELETE /v1/api-keys/{id}",
    run: async (t) => {
      const { callers, call, everyone, othersOf } = t;
      const f = new Findings(t);
      await unchanged(t, "revoke key", f, async () => {
        await each(callers, async (c) => {
          const random = randomUUID();
          const control = await call("DELETE", `/v1/api-keys/${random}`, c.person.key);
          for (const other of some(`others for ${c.name}`, othersOf(c.party))) {
            for (const keyId of [other.admin.keyId, other.member.keyId, other.member.spareKeyId]) {
              const r = await call("DELETE", `/v1/api-keys/${keyId}`, c.person.key);
              f.hidden(`${c.name} revokes a key of ${other.label}`, r, control, keyId, random, c.party);
            }
          }
          if (c.role === "member") {
            for (const keyId of [c.party.admin.keyId, c.party.admin.spareKeyId]) {
              const r = await call("DELETE", `/v1/api-keys/${keyId}`, c.person.key);
              if (r.status !== 403) f.add(`${c.name} revokes its admin's key`, `status ${r.status}`);
            }
          }
        });
      });
      // and every key still works
      for (const p of everyone()) {
        for (const who of [p.admin, p.member]) {
          const r = await call("GET", "/v1/me", who.key);
          if (r.status !== 200) f.add(`${p.label}'s key after the attempts`, `GET /v1/me answered ${r.status}`);
        }
      }
      f.done();
    },
  },
  {
    endpoint: "GET /v1/operations/{id}",
    run: async (t) => {
      // an organization reads the operations it asked for and those that concern it (its onboarding, a deposit to it, a credit line on
      // it, the funding of a financing it took)
      const { callers, call, stack, everyone, labelOf, leaks } = t;
      const f = new Findings(t);
      const rows = (await stack.ds.query(
        `SELECT o.id::text AS id, o.organization_id, o.aggregate_id, f.supplier_organization_id AS supplier
           FROM outbox o LEFT JOIN financings f ON o.kind = 'ledger.finance' AND f.id::text = o.aggregate_id ORDER BY o.id`,
      )) as { id: string; organization_id: string | null; aggregate_id: string | null; supplier: string | null }[];
      const [{ max }] = await stack.ds.query(`SELECT max(id)::text AS max FROM outbox`);
      const absent = String(BigInt(max) + 1000n);
      await each(callers, async (c) => {
        const control = await call("GET", `/v1/operations/${absent}`, c.person.key);
        if (control.status !== 404) f.add(`${c.name} absent operation`, `status ${control.status}`);
        const own = await call("GET", `/v1/operations/${c.party.operationId}`, c.person.key);
        if (own.status !== 200 || own.body.id !== c.party.operationId) f.add(`${c.name} reads its own operation`, `status ${own.status}`);
        let onboarding = 0;
        const concerns = (row: (typeof rows)[number]) => row.organization_id === c.party.orgId || row.aggregate_id === c.party.orgId || row.supplier === c.party.orgId;
        const onboardingOf = (row: (typeof rows)[number]) => row.organization_id === stack.operatorOrgId && row.aggregate_id === c.party.orgId;
        const probed = FULL ? rows : [...rows.filter(onboardingOf), ...some(`${c.name}'s operations`, rows.filter((x) => concerns(x) && !onboardingOf(x))), ...some(`operations for ${c.name}`, rows.filter((x) => !concerns(x)), 6)];
        for (const row of probed) {
          const whose = `${labelOf(row.organization_id ?? "")}'s operation ${row.id}${row.aggregate_id === c.party.orgId ? " (concerning it)" : ""}`;
          const r = await call("GET", `/v1/operations/${row.id}`, c.person.key);
          if (isReader(c.party) || concerns(row)) {
            if (r.status !== 200) f.add(`${c.name} reads ${whose}`, `status ${r.status}`);
            else if (row.organization_id === stack.operatorOrgId) onboarding++;
            f.add(`${c.name} reads ${whose}`, leaks(r, c.party));
            continue;
          }
          f.hidden(`${c.name} reads ${whose}`, r, control, row.id, absent, c.party);
        }
        // the operation that registered it on the ledger (KYC approval, asked by the operator)
        if (!isReader(c.party) && onboarding === 0) f.add(c.name, "cannot read the operation of its own onboarding");
      });
      for (const o of everyone()) {
        const r = await call("GET", `/v1/operations/${o.operationId}`, stack.operatorKey);
        if (r.status !== 200) f.add(`operator reads ${o.label}'s operation`, `status ${r.status}`);
      }
      f.done();
    },
  },
  {
    endpoint: "GET /v1/members",
    run: async (t) => {
      // A deliberate cross-tenant directory: every member may know every active or suspended member's id, legal name,
      // tax id (USCC), roles and status, to pick a counterparty by name. So those three identifiers are no leak here;
      // everything else of another organization is: its users, emails, keys, ledger address and chain id, its business
      // objects, and any field beyond the directory's. A pending organization (KYC not approved) is no member yet: absent.
      const { pending, everyone, othersOf } = t;
      const DIRECTORY = ["id", "legalName", "roles", "status", "unifiedSocialCreditCode"];
      const listed = everyone().filter((o) => o !== pending);
      await lists(t, "/v1/members?limit=200", (c, r) => {
        const items = r.body.items as Record<string, unknown>[];
        const problems: string[] = [];
        for (const m of items) {
          const fields = Object.keys(m).sort();
          if (JSON.stringify(fields) !== JSON.stringify(DIRECTORY)) problems.push(`member ${String(m.id)} has fields ${fields.join(", ")}, not only the directory's`);
          if (!["active", "suspended"].includes(String(m.status))) problems.push(`lists member ${String(m.id)} in status ${String(m.status)}`);
        }
        const ids = items.map((m) => m.id);
        problems.push(...listed.filter((o) => !ids.includes(o.orgId)).map((o) => `misses ${o.label}`));
        // nothing of a pending organization, nor anything but the directory entries of the others
        const text = r.text.toLowerCase();
        problems.push(...pending.secrets.filter((x) => text.includes(x.toLowerCase())).map((x) => `shows the pending organization's ${x}`));
        for (const o of othersOf(c.party)) {
          const directory = [o.orgId, o.legalName, o.uscc].map((x) => x.toLowerCase());
          for (const x of o.secrets) if (!directory.includes(x.toLowerCase()) && text.includes(x.toLowerCase())) problems.push(`shows ${o.label}'s ${x}`);
        }
        if (/@|"contacts"|"email"|"ledgerAddress"|"chain"|cf_[a-z2-9]{12}/i.test(r.text)) problems.push("shows contacts, emails, keys or ledger identities");
        return problems;
      }, { sent: () => everyone().filter((o) => o !== pending).flatMap((o) => [o.orgId, o.legalName, o.uscc]) });
    },
  },
  {
    rule: "a member cannot manage other users' keys: issue, list, revoke",
    run: async (t) => {
      const { call, tenants } = t;
      const f = new Findings(t);
      const a = tenants.supplierA;
      await unchanged(t, "member key management", f, async () => {
        for (const [what, r, expected] of [
          ["issue a key for the admin", await call("POST", "/v1/api-keys", a.member.key, { label: "mine now", userId: a.admin.userId }), 403],
          ["revoke the admin's key", await call("DELETE", `/v1/api-keys/${a.admin.keyId}`, a.member.key), 403],
          ["revoke the admin's spare key", await call("DELETE", `/v1/api-keys/${a.admin.spareKeyId}`, a.member.key), 403],
          ["add a user", await call("POST", `/v1/organizations/${a.orgId}/users`, a.member.key, { email: "sock@evil.example", name: "Sock", role: "admin" }), 403],
        ] as const) {
          if (r.status !== expected) f.add(`member tries to ${what}`, `status ${r.status}`);
        }
      });
      const list = await call("GET", "/v1/api-keys", a.member.key);
      f.add("member lists keys", (list.body.items as { userId: string }[]).some((k) => k.userId !== a.member.userId) ? "sees another user's key" : false);
      // a member may revoke its own key
      const mine = await call("DELETE", `/v1/api-keys/${a.member.spareKeyId}`, a.member.key);
      if (mine.status !== 204) f.add("member revokes its own spare key", `status ${mine.status}`);
      f.done();
    },
  },
  {
    rule: "an Idempotency-Key never replays another user's answer: a member cannot obtain the admin's new key",
    run: async (t) => {
      const { call, stack, tenants } = t;
      const a = tenants.bankA;
      const idem = `laptop-${randomBytes(4).toString("hex")}`;
      const body = JSON.stringify({ label: "laptop" });
      const admin = await rawRequest(stack.apiPort, { method: "POST", path: "/v1/api-keys", headers: { ...jsonHeaders(a.admin.key), "idempotency-key": idem }, body });
      expect(admin.status).toBe(201);
      expect(admin.body.userId).toBe(a.admin.userId);
      const member = await rawRequest(stack.apiPort, { method: "POST", path: "/v1/api-keys", headers: { ...jsonHeaders(a.member.key), "idempotency-key": idem }, body });
      const otherTenant = await rawRequest(stack.apiPort, { method: "POST", path: "/v1/api-keys", headers: { ...jsonHeaders(tenants.bankB.admin.key), "idempotency-key": idem }, body });
      await call("DELETE", `/v1/api-keys/${admin.body.id}`, a.admin.key);
      if (member.status === 201) await call("DELETE", `/v1/api-keys/${member.body.id}`, a.member.key);
      if (otherTenant.status === 201) await call("DELETE", `/v1/api-keys/${otherTenant.body.id}`, tenants.bankB.admin.key);

      expect(otherTenant.text, "another organization replayed bankA's answer").not.toContain(admin.body.key);
      expect(otherTenant.body.userId).toBe(tenants.bankB.admin.userId);
      expect(
        member.text,
        `the member got the admin's freshly issued API key by reusing the admin's Idempotency-Key (status ${member.status}, Idempotent-Replayed: ${String(member.headers["idempotent-replayed"])})`,
      ).not.toContain(admin.body.key);
      if (member.status === 201) expect(member.body.userId).toBe(a.member.userId);
    },
  },
  {
    rule: "an issued key's secret is never stored in clear, not even for idempotent replays",
    run: async (t) => {
      const { call, stack, tenants } = t;
      const a = tenants.bankB;
      const idem = `ci-${randomBytes(4).toString("hex")}`;
      const issued = await rawRequest(stack.apiPort, { method: "POST", path: "/v1/api-keys", headers: { ...jsonHeaders(a.admin.key), "idempotency-key": idem }, body: JSON.stringify({ label: "ci" }) });
      expect(issued.status).toBe(201);
      await call("DELETE", `/v1/api-keys/${issued.body.id}`, a.admin.key);
      const secret = secretOf(issued.body.key as string);
      await new Promise((r) => setTimeout(r, 100));
      const rows = (await stack.ds.query(`SELECT key FROM idempotency_keys WHERE response_body::text LIKE '%' || $1 || '%'`, [secret])) as { key: string }[];
      expect(rows.map((r) => r.key), "the API key secret sits in idempotency_keys.response_body").toEqual([]);
    },
  },
  {
    rule: "an id is the same object in any letter case: the owner is not told its own organization does not exist",
    run: async (t) => {
      const { call, stack, tenants } = t;
      const f = new Findings(t);
      const a = tenants.supplierB;
      const upper = a.orgId.toUpperCase();
      const operatorView = await call("GET", `/v1/organizations/${upper}`, stack.operatorKey);
      if (operatorView.status !== 200) f.add("operator, upper-case id", `status ${operatorView.status}`);
      for (const [what, method, path] of [
        ["GET own organization", "GET", `/v1/organizations/${upper}`],
        ["GET own users", "GET", `/v1/organizations/${upper}/users`],
      ] as const) {
        const r = await call(method, path, a.admin.key);
        if (r.status !== 200) f.add(`${what} by upper-case id`, `status ${r.status}: ${r.body?.detail} (the operator gets 200 for the same id)`);
      }
      f.done();
    },
  },
];

export const onboarding: ProbeTable = { tag: "Onboarding", probes };
