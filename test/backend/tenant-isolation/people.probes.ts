import { randomBytes, randomUUID } from "node:crypto";
import { jsonHeaders, rawRequest, type RawReply } from "../support/openapi-probe";
import { Findings, firstDifference, unchanged } from "./checks";
import { each, inTurn, some, type ProbeTable, type TenantProbe } from "./probe";
import { PERSON_PASSWORD, TENANTS, isReader, type TenantName } from "./world";

/** People and their sessions: one's own password and session, invitations into one's own organization only. */
const probes: TenantProbe[] = [
  {
    endpoint: "POST /v1/sessions",
    run: async (t) => {
      // signing in as another organization's person with a wrong password answers exactly as an email nobody has
      // (one failure each, in turn, so that both throttle counts move alike); the throttle is reset for the probes after this one
      const { callers, call, people, foreignData, clearSignInThrottle } = t;
      const f = new Findings(t);
      try {
        await unchanged(t, "sign in", f, async () => {
          await inTurn(callers, async (c) => {
            const victim = people[TENANTS[(TENANTS.indexOf(c.party.label as TenantName) + 1) % TENANTS.length]];
            const nobody = `nobody-${randomBytes(4).toString("hex")}@people.example`;
            const a = await call("POST", "/v1/sessions", c.person.key, { email: victim.email, password: "not the password!" });
            const b = await call("POST", "/v1/sessions", c.person.key, { email: nobody, password: "not the password!" });
            const what = `${c.name} signs in as ${victim.email} with a wrong password`;
            if (a.status !== 401) f.add(what, `status ${a.status}: ${a.text.slice(0, 200)}`);
            const gist = (r: RawReply) => JSON.stringify({ ...(r.body ?? {}), instance: undefined, status: r.status });
            if (gist(a) !== gist(b)) f.add(what, `answered otherwise than for an unknown email: ${firstDifference(gist(a), gist(b))}`);
            f.add(what, foreignData(a, c.party, [victim.email]));
          });
        });
      } finally {
        await clearSignInThrottle();
      }
      f.done();
    },
  },
  {
    endpoint: "DELETE /v1/sessions/current",
    run: async (t) => {
      // an API key has no session to end: nobody's session ends; a person's sign-out ends that session only
      const { callers, call, browse, stack, people, loginOf } = t;
      const f = new Findings(t);
      await unchanged(t, "sign out with an API key", f, async () => {
        await each(callers, async (c) => {
          const r = await call("DELETE", "/v1/sessions/current", c.person.key);
          if (r.status !== 400 || r.body?.code !== "SESSION.NONE") f.add(`${c.name} signs out with an API key`, `status ${r.status} ${r.text.slice(0, 200)}`);
        });
      });
      const second = await rawRequest(stack.apiPort, { method: "POST", path: "/v1/sessions", headers: jsonHeaders(), body: JSON.stringify({ email: people.supplierB.email, password: PERSON_PASSWORD }) });
      if (second.status !== 201) f.add("supplier B's person signs in again", `status ${second.status} ${second.text.slice(0, 200)}`);
      else {
        const out = await browse("DELETE", "/v1/sessions/current", loginOf(second, people.supplierB.email));
        if (out.status !== 204) f.add("supplier B's person signs out", `status ${out.status}`);
        for (const label of TENANTS) {
          const me = await browse("GET", "/v1/me", people[label]);
          if (me.status !== 200) f.add(`${label}'s session after supplier B's person signed out elsewhere`, `GET /v1/me answered ${me.status}`);
        }
      }
      f.done();
    },
  },
  {
    endpoint: "POST /v1/me/password",
    run: async (t) => {
      // only one's own password, only from one's own session: an API key is refused, and no body names another user
      const { callers, call, browse, people } = t;
      const f = new Findings(t);
      await unchanged(t, "change password", f, async () => {
        await each(callers, async (c) => {
          const r = await call("POST", "/v1/me/password", c.person.key, { currentPassword: PERSON_PASSWORD, newPassword: "taken over the account" });
          if (r.status !== 400 || r.body?.code !== "SESSION.NONE") f.add(`${c.name} changes a password with an API key`, `status ${r.status} ${r.text.slice(0, 200)}`);
        });
        for (const label of TENANTS) {
          const other = people[TENANTS[(TENANTS.indexOf(label) + 1) % TENANTS.length]];
          for (const extra of [{ userId: other.userId }, { email: other.email }]) {
            const r = await browse("POST", "/v1/me/password", people[label], { currentPassword: PERSON_PASSWORD, newPassword: "taken over the account", ...extra });
            if (r.status !== 422) f.add(`${label}'s person changes ${Object.keys(extra)[0]} ${Object.values(extra)[0]}'s password`, `status ${r.status} ${r.text.slice(0, 200)}`);
          }
        }
      });
      f.done();
    },
  },
  {
    endpoint: "POST /v1/organizations/{id}/invitations",
    run: async (t) => {
      // inviting people into another organization: absent, exactly as a random organization; a member is no admin of its own
      const { callers, call, browse, tenants, people, othersOf, foreignData } = t;
      const f = new Findings(t);
      await unchanged(t, "invite", f, async () => {
        await each(callers, async (c) => {
          const body = () => ({ email: `intruder-${randomBytes(3).toString("hex")}@evil.example`, name: "Intruder", duty: "approver", role: "admin" });
          const random = randomUUID();
          const control = await call("POST", `/v1/organizations/${random}/invitations`, c.person.key, body());
          if (control.status !== (isReader(c.party) ? 403 : 404)) f.add(`${c.name} invites to a random organization`, `status ${control.status}`);
          for (const other of some(`others for ${c.name}`, othersOf(c.party))) {
            const r = await call("POST", `/v1/organizations/${other.orgId}/invitations`, c.person.key, body());
            f.hidden(`${c.name} invites to ${other.label}`, r, control, other.orgId, random, c.party);
          }
          if (c.role === "member") {
            const r = await call("POST", `/v1/organizations/${c.party.orgId}/invitations`, c.person.key, body());
            if (r.status !== 403) f.add(`${c.name} invites to its own organization`, `status ${r.status} (members are not admins)`);
          }
        });
        // and from a browser: a person of another organization
        for (const label of TENANTS) {
          const other = tenants[TENANTS[(TENANTS.indexOf(label) + 1) % TENANTS.length]];
          const r = await browse("POST", `/v1/organizations/${other.orgId}/invitations`, people[label], { email: `intruder-${randomBytes(3).toString("hex")}@evil.example`, name: "Intruder", duty: "approver" });
          if (r.status !== 404 && !(label === "auditor" && r.status === 403)) f.add(`${label}'s person invites to ${other.label}`, `status ${r.status} ${r.text.slice(0, 200)}`);
          f.add(`${label}'s person invites to ${other.label}`, foreignData(r, tenants[label], [other.orgId]));
        }
      });
      f.done();
    },
  },
  {
    endpoint: "POST /v1/invitations/acceptance",
    run: async (t) => {
      // the token is the only credential: a used token of supplier A's invitation answers exactly as a token nobody issued, whoever asks
      const { callers, call, usedInvitationToken } = t;
      const f = new Findings(t);
      await unchanged(t, "accept", f, async () => {
        await each(callers, async (c) => {
          const random = randomBytes(32).toString("base64url");
          const control = await call("POST", "/v1/invitations/acceptance", c.person.key, { token: random, password: PERSON_PASSWORD });
          const r = await call("POST", "/v1/invitations/acceptance", c.person.key, { token: usedInvitationToken, password: PERSON_PASSWORD });
          f.hidden(`${c.name} accepts supplier A's used invitation`, r, control, usedInvitationToken, random, c.party);
        });
      });
      f.done();
    },
  },
  {
    endpoint: "POST /v1/organizations/{id}/users/{userId}/duty",
    run: async (t) => {
      // another organization's user, by its own organization's id or slipped under one's own: absent, exactly as a random id
      const { callers, call, othersOf } = t;
      const f = new Findings(t);
      await unchanged(t, "change duty", f, async () => {
        await each(callers, async (c) => {
          const random = randomUUID();
          const control = await call("POST", `/v1/organizations/${c.party.orgId}/users/${random}/duty`, c.person.key, { duty: "viewer" });
          const orgControl = await call("POST", `/v1/organizations/${random}/users/${random}/duty`, c.person.key, { duty: "viewer" });
          const roleOk = c.role === "admin" && !isReader(c.party);
          if (roleOk && control.status !== 404) f.add(`${c.name} changes a random user's duty`, `status ${control.status}`);
          for (const other of some(`others for ${c.name}`, othersOf(c.party))) {
            for (const victim of [other.admin.userId, other.member.userId]) {
              const under = await call("POST", `/v1/organizations/${c.party.orgId}/users/${victim}/duty`, c.person.key, { duty: "viewer" });
              f.hidden(`${c.name} changes ${other.label}'s user's duty under its own organization`, under, control, victim, random, c.party, roleOk ? [404] : [403]);
              const r = await call("POST", `/v1/organizations/${other.orgId}/users/${victim}/duty`, c.person.key, { duty: "viewer" });
              f.hidden(`${c.name} changes ${other.label}'s user's duty`, r, orgControl, victim, random, c.party);
            }
          }
          if (c.role === "member") {
            const r = await call("POST", `/v1/organizations/${c.party.orgId}/users/${c.party.admin.userId}/duty`, c.person.key, { duty: "viewer" });
            if (r.status !== 403) f.add(`${c.name} changes its own admin's duty`, `status ${r.status} (members are not admins)`);
          }
        });
      });
      f.done();
    },
  },
  {
    rule: "a person's browser session reads its own organization's data only: another's certificates, organizations and drafts are absent",
    run: async (t) => {
      const { browse, tenants, people, drafts, othersOf, leaks, certificates, draftTargets } = t;
      const f = new Findings(t);
      await each([...TENANTS], async (label) => {
        const p = tenants[label];
        const login = people[label];
        const me = await browse("GET", "/v1/me", login);
        if (me.status !== 200 || me.body.user.id !== login.userId || me.body.organization.id !== p.orgId) f.add(`${label}'s person: GET /v1/me`, `${me.status} ${me.text.slice(0, 200)}`);
        const random = randomUUID();
        for (const [what, path, targets, everyoneReads] of [
          ["certificate", (id: string) => `/v1/receivables/${id}`, certificates(), true],
          ["certificate's invoices", (id: string) => `/v1/receivables/${id}/invoices`, certificates(), true],
          ["organization", (id: string) => `/v1/organizations/${id}`, othersOf(p).map((o) => ({ what: o.label, id: o.orgId, gets: [] as TenantName[] })), true],
          ["draft", (id: string) => `/v1/drafts/${id}`, draftTargets(), false],
        ] as const) {
          const control = await browse("GET", path(random), login);
          if (control.status !== 404) f.add(`${label}'s person reads a random ${what}`, `status ${control.status}`);
          for (const target of targets) {
            const r = await browse("GET", path(target.id), login);
            const name = `${label}'s person reads ${what} ${target.what}`;
            if ((isReader(p) && everyoneReads) || target.gets.includes(label)) {
              if (r.status !== 200) f.add(name, `status ${r.status} (it may read it)`);
              f.add(name, leaks(r, p, [target.id]));
            } else f.hidden(name, r, control, target.id, random, p);
          }
        }
        const list = await browse("GET", "/v1/drafts?limit=500", login);
        const ids = ((list.body?.items ?? []) as { id: string }[]).map((d) => d.id);
        f.add(`${label}'s person lists drafts`, Object.entries(drafts).filter(([l, id]) => l !== label && ids.includes(id)).map(([l]) => `lists ${l}'s draft`));
        if (!ids.includes(drafts[label])) f.add(`${label}'s person lists drafts`, "misses its own organization's draft");
      });
      f.done();
    },
  },
];

export const people: ProbeTable = { tag: "People and sessions", probes };
