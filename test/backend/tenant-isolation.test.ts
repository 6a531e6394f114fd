import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack, randomUscc } from "./support/stack";
import { eventually } from "./support/http";
import {
  SEED_USCC,
  WORLD_ENV,
  WriteProbe,
  bearer,
  buildWorld,
  changed,
  cleanSeedInvoices,
  fetchOpenApi,
  jsonHeaders,
  listOperations,
  rawRequest,
  settleOutbox,
  settleWorld,
  type BusinessWorld,
  type RawReply,
} from "./support/openapi-probe";

/**
 * Every read and write is scoped to the caller's organization: asking for another organization's
 * object answers 404 exactly as for an id that does not exist (never the object, never a 403 that
 * confirms it exists), lists hold only the caller's own objects, writes on others' objects change
 * nothing, and no answer carries another tenant's identifiers. Operators and auditors read across
 * tenants; auditors cannot write; member (non-admin) users cannot manage other users' keys.
 *
 * The business endpoints are probed against one world built through the API (see buildWorld):
 * two suppliers selling to two core enterprises, two banks with credit lines on both and a third
 * without any, a settlement issuer and an auditor; invoices, certificates in every state, financing
 * requests with competing quotes, fundings, a default, webhook subscriptions and deliveries, and
 * bank statements, each owned by one tenant. Counterparties legitimately see each other (a
 * supplier sees the banks that quoted it; a bank the suppliers whose requests it may fund), so
 * leaks are judged against who is party to what (RELATED, and each object's viewers); a bank
 * never sees another bank's quotes, financings or books.
 *
 * The endpoints come from GET /openapi.json: an endpoint without a probe below fails the suite.
 */

interface Person {
  userId: string;
  email: string;
  key: string;
  keyId: string;
  /** A second key of the same user, for revocation attempts. */
  spareKeyId: string;
}

interface Party {
  label: string;
  orgId: string;
  roles: string[];
  legalName: string;
  uscc: string;
  ledgerAddress: string | null;
  chainOrgId: string;
  admin: Person;
  member: Person;
  /** An operation (outbox row) owned by this organization. */
  operationId: string;
  /** Every identifier of this organization and its users and keys: none may reach another tenant. */
  secrets: string[];
}

type Role = "admin" | "member";

/** A person signed in to the portal: its session cookie and CSRF token. */
interface Login {
  userId: string;
  email: string;
  session: string;
  csrf: string;
}

const PERSON_PASSWORD = "tenant isolation passphrase";
interface Caller {
  party: Party;
  role: Role;
  person: Person;
  name: string;
}

const TENANTS = ["supplierA", "supplierB", "coreA", "coreB", "bankA", "bankB", "bankC", "issuer", "auditor"] as const;
type TenantName = (typeof TENANTS)[number];

/**
 * CI probes every endpoint with a seeded sample of the callers × targets matrix (one user per
 * tenant, admin or member in turn; per caller, every object it is party to and a few of the other
 * organizations and objects); TENANT_ISOLATION_FULL=1 probes all of it. TENANT_ISOLATION_SEED replays a run (the seed is in
 * every failure message).
 */
const FULL = process.env.TENANT_ISOLATION_FULL === "1";
const SEED = Number(process.env.TENANT_ISOLATION_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SAMPLE = 3;

const hash = (s: string) => [...s].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261);
/** `n` of `list`, chosen by the seed and `key` (all of them in the full run). */
function some<T>(key: string, list: T[], n = SAMPLE): T[] {
  if (FULL || list.length <= n) return list;
  return list.map((x, i) => [hash(`${SEED}:${key}:${i}`), x] as const).sort((a, b) => a[0] - b[0]).slice(0, n).map(([, x]) => x);
}
/** Callers are independent: probe them side by side. */
const each = async <T>(list: T[], probe: (x: T) => Promise<void>) => void (await Promise.all(list.map(probe)));
/** For probes whose callers write what the others read. */
async function inTurn<T>(list: T[], probe: (x: T) => Promise<void>) {
  for (const x of list) await probe(x);
}

/** Who does business with whom in the world (both ways): they may see each other's names and ids. */
const RELATED: [TenantName, TenantName][] = [
  ["supplierA", "coreA"],
  ["supplierA", "bankA"],
  ["supplierA", "bankB"],
  ["supplierB", "coreB"],
  ["supplierB", "bankA"],
  ["supplierB", "bankB"],
  ["bankA", "coreA"],
  ["bankA", "coreB"],
  ["bankB", "coreA"],
  ["bankB", "coreB"],
  ["issuer", "bankA"],
  ["issuer", "bankB"],
  ["issuer", "coreA"],
  ["issuer", "coreB"],
];
const RELATIONS = new Set(RELATED.flatMap(([a, b]) => [`${a}|${b}`, `${b}|${a}`]));
const related = (a: string, b: string) => a === b || RELATIONS.has(`${a}|${b}`);

/** A business object of one tenant: who may see its id (anyone else must never meet it). */
interface Obj {
  what: string;
  id: string;
  viewers: TenantName[];
}

/** A probe target: who gets it (2xx on a read), who is party to it (a 4xx, but not the "absent" one, is fine), everyone else: absent. */
interface Target {
  what: string;
  id: string;
  gets: TenantName[];
  sees?: TenantName[];
}

/** Where two texts part: "…common…[this | that]…". */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `…${a.slice(Math.max(0, i - 120), i)}[${a.slice(i, i + 160)} | ${b.slice(i, i + 160)}]…`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The secret part of `cf_<12-character prefix>_<secret>` (the secret itself may contain "_"). */
const secretOf = (key: string) => key.slice("cf_".length + 13);

describe("tenant isolation", () => {
  let stack: Stack;
  let writes: WriteProbe;
  let world: BusinessWorld;
  const tenants = {} as Record<TenantName, Party>;
  /** Organizations that are nobody's caller here: a pending one, a suspended one, and the operator. */
  let pending: Party;
  let suspended: Party;
  let operator: Party;
  let callers: Caller[];
  /** Every business object of the world, with who may meet its id. */
  const objects: Obj[] = [];
  /** A person of each tenant signed in to the portal (invited by the operator, accepted with a password). */
  const people = {} as Record<TenantName, Login>;
  /** A pending draft of each tenant (its admin's), and an invitation of supplier A accepted already. */
  const drafts = {} as Record<TenantName, string>;
  let usedInvitationToken: string;
  const op = () => ({ key: stack.operatorKey });
  const opHeaders = () => bearer(stack.operatorKey);

  // ─── helpers ──────────────────────────────────────────────────────

  let requests = 0;
  const call = (method: string, path: string, key: string, body?: unknown) => {
    requests++;
    return rawRequest(stack.apiPort, { method, path, headers: body === undefined ? bearer(key) : jsonHeaders(key), body: body === undefined ? undefined : JSON.stringify(body) });
  };

  /** A request from a person's browser: the session cookie, and the CSRF token on a change. */
  const browse = (method: string, path: string, login: Login, body?: unknown) => {
    requests++;
    const headers: Record<string, string> = { cookie: `cf_session=${login.session}; cf_csrf=${login.csrf}`, "x-csrf-token": login.csrf };
    if (body !== undefined) headers["content-type"] = "application/json";
    return rawRequest(stack.apiPort, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  /** The session cookies an answer sets. */
  const loginOf = (r: RawReply, email: string): Login => {
    const cookies = new Map(([] as string[]).concat(r.headers["set-cookie"] ?? []).map((c) => c.split(";")[0].split("=") as [string, string]));
    return { userId: r.body.user.id, email, session: cookies.get("cf_session")!, csrf: cookies.get("cf_csrf")! };
  };
  /**
   * A person of `orgId` signed in (a fixture user with a password: an auditor's admin may not invite
   * anyone, and the operator invites only first admins).
   */
  async function signedIn(orgId: string, duty: "viewer" | "clerk" | "approver" = "approver"): Promise<Login> {
    const email = `${duty}-${randomBytes(4).toString("hex")}@people-${orgId.slice(0, 8)}.example`;
    await stack.fixtureUser(orgId, { role: "member", duty, email, name: `${duty} person`, password: PERSON_PASSWORD });
    const r = await rawRequest(stack.apiPort, { method: "POST", path: "/v1/sessions", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: PERSON_PASSWORD }) });
    if (r.status !== 201) throw new Error(`sign in: ${r.status} ${r.text}`);
    return loginOf(r, email);
  }
  /** Forgets this stack's failed sign-ins (per account and per address, in Redis), so later sign-ins are not throttled. */
  async function clearSignInThrottle() {
    const redis = new Redis(stack.config.REDIS_URL, { maxRetriesPerRequest: null });
    try {
      const keys = await redis.keys(`${stack.config.QUEUE_PREFIX}:signin:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }

  const everyone = () => [...Object.values(tenants), pending, suspended, operator];
  const othersOf = (p: Party) => everyone().filter((o) => o.orgId !== p.orgId);
  const isReader = (p: Party) => p.label === "auditor";
  const hasRole = (p: Party, roles?: string[]) => !roles || roles.some((r) => p.roles.includes(r));

  /** Identifiers of other organizations in `r` that the caller did not send itself. */
  function foreignData(r: RawReply, caller: Party, sent: string[] = []): string[] {
    const text = r.text.toLowerCase();
    const mine = sent.join(" ").toLowerCase();
    return othersOf(caller).flatMap((o) =>
      o.secrets.filter((s) => !mine.includes(s.toLowerCase()) && text.includes(s.toLowerCase())).map((s) => `${o.label}'s ${s}`),
    );
  }

  /**
   * What of other tenants `r` shows that the caller has no business seeing: identifiers of
   * organizations it does not deal with, and ids of objects it is no party to (auditors read all).
   */
  function leaks(r: RawReply, caller: Party, sent: string[] = []): string[] {
    if (isReader(caller)) return [];
    const text = r.text.toLowerCase();
    const mine = sent.join(" ").toLowerCase();
    const out: string[] = [];
    for (const o of othersOf(caller)) {
      if (related(caller.label, o.label)) continue;
      for (const s of o.secrets) if (!mine.includes(s.toLowerCase()) && text.includes(s.toLowerCase())) out.push(`${o.label}'s ${s}`);
    }
    for (const x of objects) {
      if (x.viewers.includes(caller.label as TenantName) || mine.includes(x.id.toLowerCase())) continue;
      if (text.includes(x.id.toLowerCase())) out.push(`${x.what} ${x.id} (for ${x.viewers.join(", ")} only)`);
    }
    return out;
  }

  /** The answer with the requested id blanked out (in any letter case): what must be identical for "not yours" and "no such id". */
  function shape(r: RawReply, id: string) {
    const b = (r.body ?? {}) as Record<string, unknown>;
    const blank = (s: unknown) => (typeof s === "string" ? s.replace(new RegExp(escapeRe(id), "gi"), "<id>") : s);
    return { status: r.status, contentType: r.contentType, code: b.code, type: b.type, title: b.title, detail: blank(b.detail), errors: blank(JSON.stringify(b.errors ?? null)) };
  }

  /** Collects violations so one probe reports every failing combination at once. */
  class Findings {
    readonly list: string[] = [];
    add(what: string, problems: string[] | string | false | undefined | null) {
      const ps = !problems ? [] : Array.isArray(problems) ? problems : [problems];
      for (const p of ps) this.list.push(`${what}: ${p}`);
    }
    /** Another tenant's object: 404, no foreign data, indistinguishable from an id that does not exist. */
    hidden(what: string, r: RawReply, control: RawReply, id: string, controlId: string, caller: Party, allowed: number[] = [404]) {
      // an auditor's change is refused before anything is looked up (it reads only): the same 403 for every id
      if (isReader(caller)) allowed = [...allowed, 403];
      if (!allowed.includes(r.status)) this.add(what, `status ${r.status} (expected ${allowed.join("/")}): ${r.text.slice(0, 300)}`);
      this.add(what, foreignData(r, caller, [id]));
      const a = shape(r, id);
      const b = shape(control, controlId);
      if (JSON.stringify(a) !== JSON.stringify(b)) this.add(what, `answer differs from the one for a random id, which tells the object exists: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
    /** The caller is party to the object but may not do this: a 4xx problem, nothing it may not see. */
    refused(what: string, r: RawReply, caller: Party, sent: string[] = []) {
      if (r.status < 400 || r.status > 499) this.add(what, `status ${r.status} (expected a 4xx): ${r.text.slice(0, 300)}`);
      this.add(what, leaks(r, caller, sent));
    }
    done() {
      expect(this.list, `seed ${SEED}${FULL ? " (full)" : ""}\n${this.list.join("\n")}`).toEqual([]);
    }
  }

  async function unchanged<T>(what: string, f: Findings, run: () => Promise<T>): Promise<T> {
    const before = await writes.snapshot();
    const result = await run();
    // the audit trail and last-used stamps are written after the answer; give the API a moment for anything else too
    await new Promise((r) => setTimeout(r, 100));
    f.add(`${what}: database or queue changed`, changed(before, await writes.snapshot()));
    return result;
  }

  /** The targets a caller is party to, and a seeded few of the others (all of them in the full run). */
  const probedFor = (c: Caller, targets: Target[]) => {
    const party = (t: Target) => isReader(c.party) || [...t.gets, ...(t.sees ?? [])].includes(c.party.label as TenantName);
    return [...targets.filter(party), ...some(`targets for ${c.name}: ${targets.map((t) => t.id).join()}`, targets.filter((t) => !party(t)))];
  };

  /**
   * Reads of one object per target, by every caller: a caller that gets it sees 200 and nothing
   * beyond it; a caller party to it may be refused (4xx); anyone else finds it absent, exactly as a
   * random id. `roles`: who may call the endpoint at all (others: 403, as for a random id).
   */
  async function reads(
    path: (id: string) => string,
    targets: Target[],
    o: { roles?: string[]; check?: (c: Caller, r: RawReply, t: Target) => string[] | string | false; auditorsRead?: boolean } = {},
  ) {
    const f = new Findings();
    await each(callers, async (c) => {
      const random = randomUUID();
      const control = await call("GET", path(random), c.person.key);
      const roleOk = hasRole(c.party, o.roles);
      if (roleOk && control.status !== 404) f.add(`${c.name} random id`, `status ${control.status}: ${control.text.slice(0, 200)}`);
      for (const t of probedFor(c, targets)) {
        const what = `${c.name} reads ${t.what}`;
        const r = await call("GET", path(t.id), c.person.key);
        if (!roleOk) f.hidden(what, r, control, t.id, random, c.party, [403]);
        else if ((isReader(c.party) && o.auditorsRead !== false) || t.gets.includes(c.party.label as TenantName)) {
          if (r.status !== 200) f.add(what, `status ${r.status} (it may read it): ${r.text.slice(0, 300)}`);
          else f.add(what, o.check?.(c, r, t));
          f.add(what, leaks(r, c.party, [t.id]));
        } else if (t.sees?.includes(c.party.label as TenantName)) f.refused(what, r, c.party, [t.id]);
        else f.hidden(what, r, control, t.id, random, c.party);
      }
    });
    f.done();
  }

  /**
   * Writes aimed at other tenants' objects, by every caller: nothing changes; a caller party to the
   * object is refused (4xx); anyone else finds it absent, exactly as a random id. `skip`: the
   * combinations that would legitimately succeed (the object's own party acting on it).
   */
  async function writesOn(
    action: string,
    method: string,
    path: (id: string) => string,
    body: ((id: string, c: Caller) => unknown) | undefined,
    targets: Target[],
    o: { roles?: string[]; adminOnly?: boolean; skip?: (c: Caller, t: Target) => boolean } = {},
  ) {
    const f = new Findings();
    await unchanged(action, f, async () => {
      await each(callers, async (c) => {
        const random = randomUUID();
        const control = await call(method, path(random), c.person.key, body?.(random, c));
        // an auditor writes nothing: refused (403) before any object is looked up, whatever the id
        const roleOk = hasRole(c.party, o.roles) && !(o.adminOnly && c.role === "member") && !isReader(c.party);
        if (roleOk && control.status !== 404) f.add(`${c.name} ${action} on a random id`, `status ${control.status}: ${control.text.slice(0, 200)}`);
        for (const t of probedFor(c, targets)) {
          if (o.skip?.(c, t)) continue;
          const what = `${c.name} ${action} on ${t.what}`;
          const r = await call(method, path(t.id), c.person.key, body?.(t.id, c));
          if (!roleOk) f.hidden(what, r, control, t.id, random, c.party, [403]);
          else if (isReader(c.party) || t.gets.includes(c.party.label as TenantName) || t.sees?.includes(c.party.label as TenantName)) f.refused(what, r, c.party, [t.id]);
          else f.hidden(what, r, control, t.id, random, c.party);
        }
      });
    });
    f.done();
  }

  /** A list endpoint: every caller's answer holds only what `mine` accepts, and nothing of others it does not deal with. */
  async function lists(path: string | ((c: Caller) => string), mine: (c: Caller, r: RawReply) => string[] | string | false, o: { roles?: string[]; sent?: (c: Caller) => string[] } = {}) {
    const f = new Findings();
    await each(callers, async (c) => {
      const p = typeof path === "string" ? path : path(c);
      const r = await call("GET", p, c.person.key);
      const what = `${c.name} lists ${p}`;
      if (!hasRole(c.party, o.roles)) {
        if (r.status !== 403) f.add(what, `status ${r.status} (expected 403)`);
        f.add(what, foreignData(r, c.party));
        return;
      }
      if (r.status !== 200) {
        f.add(what, `status ${r.status}: ${r.text.slice(0, 300)}`);
        return;
      }
      f.add(what, mine(c, r));
      f.add(what, leaks(r, c.party, o.sent?.(c)));
    });
    f.done();
  }

  // ─── setup ────────────────────────────────────────────────────────

  async function person(orgId: string, adminKey: string, role: Role, existing?: { userId: string; key: string }): Promise<Person> {
    let userId = existing?.userId;
    let key = existing?.key;
    let email: string;
    if (!userId) {
      // straight into the database: a pending organization's and an auditor's people cannot be made
      // through the API (the operator only invites first admins; an auditor changes nothing)
      email = `${role}-${randomBytes(3).toString("hex")}@${orgId.slice(0, 8)}.example`;
      ({ userId, key } = await stack.fixtureUser(orgId, { role, email, name: `${role} of ${orgId.slice(0, 8)}` }));
    } else {
      email = (await stack.api.get("/v1/me", { key: key! })).body.user.email;
    }
    const mine = await stack.api.get("/v1/api-keys", { key: key! });
    const keyId = (mine.body.items as { id: string; userId: string; prefix: string }[]).find((k) => key!.includes(k.prefix))!.id;
    const spareKeyId = (await stack.fixtureKey(orgId, userId!)).keyId;
    return { userId: userId!, email, key: key!, keyId, spareKeyId };
  }

  async function ownedOperation(orgId: string): Promise<string> {
    // an operation that concerns nobody else (a failed one, so that nothing is sent to the ledger)
    const [signer] = await stack.ds.query(`SELECT address FROM ledger_keys WHERE purpose = 'operator' LIMIT 1`);
    const [row] = await stack.ds.query(
      `INSERT INTO outbox (kind, batch_key, signer, payload, organization_id, aggregate_id, status, error_code, error_message)
       VALUES ('membership.suspend', 'probe', $1, '{}', $2::uuid, $2::text, 'failed', 'PROBE', 'inserted by the tenant-isolation test') RETURNING id`,
      [signer.address, orgId],
    );
    return String(row.id);
  }

  async function party(label: string, orgId: string, admin: Person, member: Person): Promise<Party> {
    const org = (await stack.api.get(`/v1/organizations/${orgId}`, op())).body;
    const keys = (await stack.api.get("/v1/api-keys", { key: admin.key })).body.items as { id: string; prefix: string }[];
    const operationId = await ownedOperation(orgId);
    const secrets = [
      org.id,
      org.legalName,
      org.unifiedSocialCreditCode,
      org.chain.orgId,
      ...(org.ledgerAddress ? [org.ledgerAddress] : []),
      admin.userId,
      admin.email,
      member.userId,
      member.email,
      ...keys.flatMap((k) => [k.id, k.prefix]),
      secretOf(admin.key),
      secretOf(member.key),
    ];
    return { label, orgId, roles: org.roles, legalName: org.legalName, uscc: org.unifiedSocialCreditCode, ledgerAddress: org.ledgerAddress, chainOrgId: org.chain.orgId, admin, member, operationId, secrets };
  }

  async function onboarded(label: string, o: { orgId: string; key: string; userId: string }): Promise<Party> {
    const admin = await person(o.orgId, o.key, "admin", { userId: o.userId, key: o.key });
    const member = await person(o.orgId, o.key, "member");
    return party(label, o.orgId, admin, member);
  }

  /** Who is party to a certificate (holder, obligor, creditor, financing bank): they may read it. */
  let partiesOf: (receivableId: string) => TenantName[];
  const labelOf = (orgId: string) => (everyone().find((p) => p.orgId === orgId)?.label ?? "nobody") as TenantName;

  beforeAll(async () => {
    stack = await Stack.start({ env: WORLD_ENV });
    writes = new WriteProbe(stack);
    const [built, suspendedOrg] = await Promise.all([buildWorld(stack, { extraMembers: { bankC: ["bank"] } }), stack.onboard(["core_enterprise"], `suspended 供应链 ${randomBytes(4).toString("hex")} Ltd`)]);
    world = built;
    const members = { ...world.m, bankC: world.extra.bankC };
    const made = await Promise.all([...TENANTS.map((label) => onboarded(label, members[label])), onboarded("suspended", suspendedOrg)]);
    TENANTS.forEach((label, i) => (tenants[label] = made[i]));
    suspended = made[made.length - 1];
    const s = await stack.api.post(`/v1/organizations/${suspended.orgId}/suspension`, { reason: "probe target" }, op());
    if (s.status !== 202) throw new Error(`suspend: ${s.status} ${JSON.stringify(s.body)}`);
    await eventually(async () => (await stack.api.get(`/v1/organizations/${suspended.orgId}`, op())).body.status === "suspended", 20_000, "suspension");

    // a pending organization (KYC not approved): it has no users; the operator adds one so there is something to hide
    const created = await stack.api.post(
      "/v1/organizations",
      { legalName: `pending 待审 ${randomBytes(4).toString("hex")} Ltd`, unifiedSocialCreditCode: randomUscc(), roles: ["supplier"] },
      op(),
    );
    const pAdmin = await person(created.body.id, stack.operatorKey, "admin");
    const pMember = await person(created.body.id, stack.operatorKey, "member");
    pending = await party("pending", created.body.id, pAdmin, pMember);

    const opAdmin = await person(stack.operatorOrgId, stack.operatorKey, "admin", { userId: (await stack.api.get("/v1/me", op())).body.user.id, key: stack.operatorKey });
    const opMember = await person(stack.operatorOrgId, stack.operatorKey, "member");
    operator = await party("operator", stack.operatorOrgId, opAdmin, opMember);
    // the operator's own operations (KYC approvals, the suspension) are also someone else's to every tenant
    const ops = (await stack.ds.query(`SELECT id FROM outbox WHERE organization_id = $1`, [stack.operatorOrgId])) as { id: string }[];
    expect(ops.length).toBeGreaterThan(0);

    // who may meet which object's id
    const w = world;
    const certs = (await stack.ds.query(
      `SELECT id, holder_organization_id AS holder, obligor_organization_id AS obligor, creditor_organization_id AS creditor, financing_bank_organization_id AS bank FROM receivables`,
    )) as { id: string; holder: string; obligor: string; creditor: string; bank: string | null }[];
    const certParties = new Map(certs.map((c) => [c.id, [...new Set([c.holder, c.obligor, c.creditor, c.bank].filter(Boolean).map((id) => labelOf(id!)))]]));
    partiesOf = (id) => certParties.get(id) ?? [];
    const banksWithLines: TenantName[] = ["bankA", "bankB"];
    for (const id of [...w.invoices.usedA, ...w.invoices.freeA]) objects.push({ what: "supplier A's invoice", id, viewers: ["supplierA"] });
    for (const id of [...w.invoices.usedB, ...w.invoices.freeB]) objects.push({ what: "supplier B's invoice", id, viewers: ["supplierB"] });
    const requested = new Set([w.r.A1, w.r.A3, w.r.B1, w.r.B2]);
    for (const [name, id] of Object.entries(w.r)) {
      if (Array.isArray(id)) continue;
      // a certificate with a financing request is shown to the banks that may quote on it
      objects.push({ what: `certificate ${name}`, id, viewers: [...new Set([...partiesOf(id), ...(requested.has(id) ? banksWithLines : [])])] });
    }
    for (const [name, id] of Object.entries(w.req)) objects.push({ what: `financing request ${name}`, id, viewers: [name.startsWith("A") ? "supplierA" : "supplierB", ...banksWithLines] });
    for (const [name, id] of Object.entries(w.quotes)) objects.push({ what: `quote ${name}`, id, viewers: [name.startsWith("A") ? "supplierA" : "supplierB", name.endsWith("bankA") ? "bankA" : "bankB"] });
    objects.push({ what: "bank A's financing of A1", id: w.fin.A1, viewers: ["supplierA", "bankA"] });
    objects.push({ what: "bank A's financing of A3", id: w.fin.A3, viewers: ["supplierA", "bankA"] });
    objects.push({ what: "bank B's financing of B1", id: w.fin.B1, viewers: ["supplierB", "bankB"] });
    // an invoice is its supplier's; the evidence behind a certificate (GET /v1/receivables/{id}/invoices) is shown to whoever may see the certificate
    const backing = (await stack.ds.query(
      `WITH RECURSIVE tree AS (SELECT id, id AS root FROM receivables WHERE parent_id IS NULL UNION ALL SELECT r.id, t.root FROM receivables r JOIN tree t ON r.parent_id = t.id)
       SELECT tree.id AS receivable, i.id AS invoice FROM tree JOIN invoices i ON i.receivable_id = tree.root`,
    )) as { receivable: string; invoice: string }[];
    for (const { receivable, invoice } of backing) {
      const x = objects.find((o) => o.id === invoice);
      if (x) x.viewers = [...new Set([...x.viewers, ...partiesOf(receivable)])];
    }
    for (const [label, h] of Object.entries(w.hooks)) objects.push({ what: `${label}'s webhook subscription`, id: h.subscription, viewers: [label as TenantName] });
    const deliveries = (await stack.ds.query(`SELECT id, organization_id FROM webhook_deliveries`)) as { id: string; organization_id: string }[];
    for (const d of deliveries) objects.push({ what: `${labelOf(d.organization_id)}'s webhook delivery`, id: d.id, viewers: [labelOf(d.organization_id)] });
    objects.push({ what: "bank A's statement", id: w.statements.bankA, viewers: ["bankA"] });
    objects.push({ what: "bank B's statement", id: w.statements.bankB, viewers: ["bankB"] });

    // people who sign in: one per tenant; a pending draft of each tenant (by its admin); an invitation used already
    const logins = await Promise.all(TENANTS.map((label) => signedIn(tenants[label].orgId)));
    TENANTS.forEach((label, i) => (people[label] = logins[i]));
    for (const label of TENANTS) {
      // an auditor drafts nothing through the API (it changes nothing): its draft is a fixture row
      const d =
        label === "auditor"
          ? {
              status: 201,
              body: (
                await stack.ds.query(
                  `INSERT INTO drafts (organization_id, method, path, action, body, status, created_by) VALUES ($1, 'post', '/v1/settlement/withdrawals', 'fixture', '{"amount":"1"}', 'pending', $2) RETURNING id`,
                  [tenants[label].orgId, tenants[label].admin.userId],
                )
              )[0],
            }
          : await stack.api.post("/v1/drafts", { method: "post", path: "/v1/settlement/withdrawals", body: { amount: "1" } }, { key: tenants[label].admin.key });
      if (d.status !== 201) throw new Error(`draft of ${label}: ${d.status} ${JSON.stringify(d.body)}`);
      drafts[label] = d.body.id;
      objects.push({ what: `${label}'s draft`, id: d.body.id, viewers: [label] });
      tenants[label].secrets.push(people[label].userId, people[label].email);
    }
    const used = await stack.api.post(`/v1/organizations/${tenants.supplierA.orgId}/invitations`, { email: `used-${randomBytes(3).toString("hex")}@a.example`, name: "Used", duty: "viewer" }, { key: tenants.supplierA.admin.key });
    usedInvitationToken = used.body.token;
    const usedBy = await stack.api.post("/v1/invitations/acceptance", { token: usedInvitationToken, password: PERSON_PASSWORD });
    if (usedBy.status !== 201) throw new Error(`accept: ${usedBy.status} ${JSON.stringify(usedBy.body)}`);

    const roles = (i: number): Role[] => (FULL ? ["admin", "member"] : [(i + SEED) % 2 ? "admin" : "member"]);
    callers = Object.values(tenants).flatMap((p, i) => roles(i).map((role) => ({ party: p, role, person: p[role], name: `${p.label} ${role}` })));
    await settleWorld(stack);
    await settleOutbox(stack);
    console.info(`tenant-isolation world: ${JSON.stringify(world.timings)}`);
  }, 240_000);

  afterAll(async () => {
    if (requests) console.info(`tenant-isolation: ${requests} probe requests from ${callers.length} callers (${FULL ? "admin and member" : "admin or member"} of ${TENANTS.length} tenants; seed ${SEED}) at ${everyone().length} organizations`);
    await writes?.close();
    await stack?.close();
    await world?.receiver.close();
  });

  // ─── probes, one per endpoint of the OpenAPI document ─────────────
  const probes: Record<string, () => Promise<void>> = {
    "GET /v1/me": async () => {
      const f = new Findings();
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

    "GET /v1/organizations": async () => {
      const f = new Findings();
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

    "GET /v1/organizations/{id}": async () => {
      const f = new Findings();
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

    "POST /v1/organizations": async () => {
      const f = new Findings();
      await unchanged("create organization", f, async () => {
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

    "POST /v1/organizations/{id}/kyc-approval": () => operatorOnlyWrite("kyc-approval", {}, [pending]),
    "POST /v1/organizations/{id}/suspension": () => operatorOnlyWrite("suspension", { reason: "hostile takeover" }, Object.values(tenants)),
    "POST /v1/organizations/{id}/reinstatement": () => operatorOnlyWrite("reinstatement", {}, [suspended]),

    "POST /v1/organizations/{id}/users": async () => {
      const f = new Findings();
      await unchanged("add user", f, async () => {
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

    "GET /v1/organizations/{id}/users": async () => {
      const f = new Findings();
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

    "POST /v1/api-keys": async () => {
      const f = new Findings();
      await unchanged("issue key", f, async () => {
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

    "GET /v1/api-keys": async () => {
      const f = new Findings();
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

    "DELETE /v1/api-keys/{id}": async () => {
      const f = new Findings();
      await unchanged("revoke key", f, async () => {
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

    "GET /v1/operations/{id}": async () => {
      // an organization reads the operations it asked for and those that concern it (its onboarding, a deposit to it, a credit line on it)
      const f = new Findings();
      const rows = (await stack.ds.query(`SELECT id::text AS id, organization_id, aggregate_id FROM outbox ORDER BY id`)) as { id: string; organization_id: string | null; aggregate_id: string | null }[];
      const [{ max }] = await stack.ds.query(`SELECT max(id)::text AS max FROM outbox`);
      const absent = String(BigInt(max) + 1000n);
      await each(callers, async (c) => {
        const control = await call("GET", `/v1/operations/${absent}`, c.person.key);
        if (control.status !== 404) f.add(`${c.name} absent operation`, `status ${control.status}`);
        const own = await call("GET", `/v1/operations/${c.party.operationId}`, c.person.key);
        if (own.status !== 200 || own.body.id !== c.party.operationId) f.add(`${c.name} reads its own operation`, `status ${own.status}`);
        let onboarding = 0;
        const concerns = (row: (typeof rows)[number]) => row.organization_id === c.party.orgId || row.aggregate_id === c.party.orgId;
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

    // ─── the member directory ─────────────────────────────────────────

    "GET /v1/members": async () => {
      // A deliberate cross-tenant directory: every member may know every active or suspended member's id, legal name,
      // tax id (USCC), roles and status, to pick a counterparty by name. So those three identifiers are no leak here;
      // everything else of another organization is: its users, emails, keys, ledger address and chain id, its business
      // objects, and any field beyond the directory's. A pending organization (KYC not approved) is no member yet: absent.
      const DIRECTORY = ["id", "legalName", "roles", "status", "unifiedSocialCreditCode"];
      const listed = everyone().filter((o) => o !== pending);
      await lists("/v1/members?limit=200", (c, r) => {
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

    // ─── people and sessions ──────────────────────────────────────────

    "POST /v1/sessions": async () => {
      // signing in as another organization's person with a wrong password answers exactly as an email nobody has
      // (one failure each, in turn, so that both throttle counts move alike); the throttle is reset for the probes after this one
      const f = new Findings();
      try {
        await unchanged("sign in", f, async () => {
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

    "DELETE /v1/sessions/current": async () => {
      // an API key has no session to end: nobody's session ends; a person's sign-out ends that session only
      const f = new Findings();
      await unchanged("sign out with an API key", f, async () => {
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

    "POST /v1/me/password": async () => {
      // only one's own password, only from one's own session: an API key is refused, and no body names another user
      const f = new Findings();
      await unchanged("change password", f, async () => {
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

    "POST /v1/organizations/{id}/invitations": async () => {
      // inviting people into another organization: absent, exactly as a random organization; a member is no admin of its own
      const f = new Findings();
      await unchanged("invite", f, async () => {
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

    "POST /v1/invitations/acceptance": async () => {
      // the token is the only credential: a used token of supplier A's invitation answers exactly as a token nobody issued, whoever asks
      const f = new Findings();
      await unchanged("accept", f, async () => {
        await each(callers, async (c) => {
          const random = randomBytes(32).toString("base64url");
          const control = await call("POST", "/v1/invitations/acceptance", c.person.key, { token: random, password: PERSON_PASSWORD });
          const r = await call("POST", "/v1/invitations/acceptance", c.person.key, { token: usedInvitationToken, password: PERSON_PASSWORD });
          f.hidden(`${c.name} accepts supplier A's used invitation`, r, control, usedInvitationToken, random, c.party);
        });
      });
      f.done();
    },

    "POST /v1/organizations/{id}/users/{userId}/duty": async () => {
      // another organization's user, by its own organization's id or slipped under one's own: absent, exactly as a random id
      const f = new Findings();
      await unchanged("change duty", f, async () => {
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

    // ─── four-eyes drafts ─────────────────────────────────────────────

    "POST /v1/drafts": async () => {
      // a draft is its drafter's organization's: naming another tenant's quote answers as a random one, the draft lands in the
      // caller's organization, and nothing of the other tenant shows
      const f = new Findings();
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

    "GET /v1/drafts": () =>
      lists("/v1/drafts?limit=500", (c, r) => {
        const ids = (r.body.items as { id: string }[]).map((d) => d.id);
        const problems = Object.entries(drafts)
          .filter(([label, id]) => label !== c.party.label && ids.includes(id))
          .map(([label]) => `lists ${label}'s draft`);
        if (!ids.includes(drafts[c.party.label as TenantName])) problems.push("misses its own draft");
        return problems;
      }),

    "GET /v1/drafts/{id}": () =>
      // its own organization's only: auditors and the operator read every certificate, but not other organizations' drafts
      reads((id) => `/v1/drafts/${id}`, draftTargets(), { auditorsRead: false }),

    "POST /v1/drafts/{id}/approval": () =>
      writesOn("approve", "POST", (id) => `/v1/drafts/${id}/approval`, undefined, draftTargets(), {
        // its own organization's other approvers would approve it: only other organizations are probed
        skip: (c, t) => t.gets.includes(c.party.label as TenantName),
      }),

    "POST /v1/drafts/{id}/rejection": () =>
      writesOn("reject", "POST", (id) => `/v1/drafts/${id}/rejection`, () => ({ reason: "not yours to decide" }), draftTargets(), {
        skip: (c, t) => t.gets.includes(c.party.label as TenantName),
      }),

    // ─── invoices ─────────────────────────────────────────────────────

    "GET /v1/invoices": async () => {
      const all = [...world.invoices.usedA, ...world.invoices.freeA, ...world.invoices.usedB, ...world.invoices.freeB];
      await lists("/v1/invoices?limit=200", (c, r) => {
        const items = r.body.items as { id: string; sellerTaxId: string }[];
        if (isReader(c.party)) return all.filter((id) => !items.some((i) => i.id === id)).map((id) => `misses invoice ${id}`);
        const problems = items.filter((i) => i.sellerTaxId !== c.party.uscc).map((i) => `lists invoice ${i.id} of ${i.sellerTaxId}`);
        if (c.party.label.startsWith("supplier") && items.length === 0) problems.push("misses its own invoices");
        return problems;
      });
      // paging from another supplier's invoice must not widen the scope
      await lists((c) => `/v1/invoices?limit=200&after=${(c.party.label === "supplierA" ? world.invoices.usedB : world.invoices.usedA)[0]}`, (c, r) =>
        isReader(c.party) ? false : (r.body.items as { id: string; sellerTaxId: string }[]).filter((i) => i.sellerTaxId !== c.party.uscc).map((i) => `lists invoice ${i.id} of ${i.sellerTaxId}`),
        { sent: (c) => [(c.party.label === "supplierA" ? world.invoices.usedB : world.invoices.usedA)[0]] },
      );
    },

    "POST /v1/invoices": () => invoiceInNameOfAnother(false),
    "POST /v1/invoices/batch": () => invoiceInNameOfAnother(true),

    "GET /v1/invoices/{id}": () =>
      reads((id) => `/v1/invoices/${id}`, [
        { what: "supplier A's invoice (backing A1)", id: world.invoices.usedA[0], gets: ["supplierA"] },
        { what: "supplier A's free invoice", id: world.invoices.freeA[0], gets: ["supplierA"] },
        { what: "supplier B's invoice (backing B1)", id: world.invoices.usedB[0], gets: ["supplierB"] },
        { what: "supplier B's free invoice", id: world.invoices.freeB[0], gets: ["supplierB"] },
      ]),

    // ─── receivables ──────────────────────────────────────────────────

    "GET /v1/receivables": async () => {
      for (const role of ["holder", "obligor", "creditor"] as const) {
        const column = { holder: "holderId", obligor: "obligorId", creditor: "creditorId" }[role];
        await lists(`/v1/receivables?role=${role}&limit=500`, (c, r) => (r.body.items as Record<string, string>[]).filter((x) => x[column] !== c.party.orgId).map((x) => `lists ${x.id}, whose ${role} is ${labelOf(x[column])}`));
      }
      // paging from another tenant's certificate
      await lists((c) => `/v1/receivables?limit=500&after=${c.party.label === "supplierA" ? world.r.B1 : world.r.A1}`, (c, r) =>
        (r.body.items as { id: string; holderId: string }[]).filter((x) => x.holderId !== c.party.orgId).map((x) => `lists ${x.id} of ${labelOf(x.holderId)}`),
        { sent: (c) => [c.party.label === "supplierA" ? world.r.B1 : world.r.A1] },
      );
    },

    "POST /v1/receivables": async () => {
      // registering against another supplier's invoices, or against an organization that is nobody's business
      const f = new Findings();
      await unchanged("register", f, async () => {
        await each(callers, async (c) => {
          const body = (invoiceId: string, obligorId = c.party.label === "supplierB" ? tenants.coreB.orgId : tenants.coreA.orgId) => ({ items: [{ obligorId, invoiceIds: [invoiceId], maturityDate: world.farMaturity }] });
          const random = randomUUID();
          const control = await call("POST", "/v1/receivables", c.person.key, body(random));
          const roleOk = hasRole(c.party, ["supplier"]);
          const others = c.party.label === "supplierA" ? [world.invoices.freeB[0], world.invoices.usedB[0]] : [world.invoices.freeA[0], world.invoices.usedA[0]];
          for (const inv of others) {
            const r = await call("POST", "/v1/receivables", c.person.key, body(inv));
            f.hidden(`${c.name} registers another supplier's invoice`, r, control, inv, random, c.party, roleOk ? [404] : [403]);
          }
          if (roleOk) {
            const own = c.party.label === "supplierA" ? world.invoices.freeA[0] : world.invoices.freeB[0];
            const randomOrg = randomUUID();
            const orgControl = await call("POST", "/v1/receivables", c.person.key, body(own, randomOrg));
            for (const stranger of [pending]) {
              const r = await call("POST", "/v1/receivables", c.person.key, body(own, stranger.orgId));
              f.hidden(`${c.name} registers against ${stranger.label} as obligor`, r, orgControl, stranger.orgId, randomOrg, c.party);
            }
          }
        });
      });
      f.done();
    },

    "POST /v1/receivables/issuances": async () => {
      // a core enterprise issues only against invoices billed to it: another's are as absent as a random id
      const f = new Findings();
      await unchanged("issue", f, async () => {
        await each(callers, async (c) => {
          const body = (supplierId: string, invoiceId: string) => ({ items: [{ supplierId, invoiceIds: [invoiceId], maturityDate: world.farMaturity }] });
          const roleOk = hasRole(c.party, ["core_enterprise"]);
          const foreign: [Party, string, string][] =
            c.party.label === "coreA"
              ? [[tenants.supplierB, world.invoices.freeB[0], "supplier B's free invoice (billed to core B)"], [tenants.supplierB, world.invoices.usedB[0], "supplier B's invoice backing B1"]]
              : [[tenants.supplierA, world.invoices.freeA[0], "supplier A's free invoice (billed to core A)"], [tenants.supplierA, world.invoices.usedA[0], "supplier A's invoice backing A1"]];
          for (const [supplier, inv, what] of foreign) {
            const random = randomUUID();
            const control = await call("POST", "/v1/receivables/issuances", c.person.key, body(supplier.orgId, random));
            const r = await call("POST", "/v1/receivables/issuances", c.person.key, body(supplier.orgId, inv));
            f.hidden(`${c.name} issues against ${what}`, r, control, inv, random, c.party, roleOk ? [404] : [403]);
          }
          if (roleOk) {
            const random = randomUUID();
            const own = c.party.label === "coreB" ? world.invoices.freeB[0] : world.invoices.freeA[0];
            const control = await call("POST", "/v1/receivables/issuances", c.person.key, body(random, own));
            const r = await call("POST", "/v1/receivables/issuances", c.person.key, body(pending.orgId, own));
            f.hidden(`${c.name} issues to the pending organization`, r, control, pending.orgId, random, c.party);
          }
        });
      });
      f.done();
    },

    "POST /v1/receivables/confirmations": () =>
      writesOn("confirm", "POST", () => "/v1/receivables/confirmations", (id) => ({ receivableIds: [id] }), certificates(), {
        roles: ["core_enterprise"],
        skip: (c, t) => (c.party.label === "coreA" && t.id === world.r.A2) || (c.party.label === "coreB" && t.id === world.r.B3),
      }),

    "POST /v1/receivables/attestations": async () => {
      // the verifier attests only a caller's own verified invoices: another tenant's invoice is as absent as a random id
      // (these tenants' keys are custodial: they are sent to the normal endpoints before any invoice is read)
      const f = new Findings();
      await unchanged("attest", f, async () => {
        await each(callers, async (c) => {
          const theirs = c.party.label.endsWith("A") ? world.invoices.freeB[0] : world.invoices.freeA[0];
          const body = (invoiceId: string) => ({ mode: "register", items: [{ counterpartyId: tenants.coreA.orgId, invoiceIds: [invoiceId], maturityDate: world.farMaturity }] });
          const random = randomUUID();
          const control = await call("POST", "/v1/receivables/attestations", c.person.key, body(random));
          const r = await call("POST", "/v1/receivables/attestations", c.person.key, body(theirs));
          f.hidden(`${c.name} asks an attestation of another tenant's invoice`, r, control, theirs, random, c.party, [403, 404, 409]);
        });
      });
      f.done();
    },

    "GET /v1/receivables/confirmations/typed-data": () =>
      reads(
        (id) => `/v1/receivables/confirmations/typed-data?ids=${id}`,
        // the obligor gets the typed data of its Pending certificates; any other party to a certificate is refused
        certificates().map((t) => ({ ...t, gets: t.id === world.r.A2 ? ["coreA"] : t.id === world.r.B3 ? ["coreB"] : [], sees: t.gets })),
        { roles: ["core_enterprise"] },
      ),

    "POST /v1/receivables/rejections": () =>
      writesOn("reject", "POST", () => "/v1/receivables/rejections", (id) => ({ receivableIds: [id], reason: "not ours" }), certificates(), {
        roles: ["core_enterprise"],
        skip: (c, t) => (c.party.label === "coreA" && t.id === world.r.A2) || (c.party.label === "coreB" && t.id === world.r.B3),
      }),

    "POST /v1/receivables/cancellations": () =>
      writesOn("cancel", "POST", () => "/v1/receivables/cancellations", (id) => ({ receivableIds: [id] }), certificates(), {
        roles: ["supplier"],
        skip: (c, t) => (c.party.label === "supplierA" && t.id === world.r.A2) || (c.party.label === "supplierB" && t.id === world.r.B3),
      }),

    "POST /v1/receivables/{id}/splits": () =>
      writesOn(
        "split",
        "POST",
        (id) => `/v1/receivables/${id}/splits`,
        (id, c) => {
          const half = BigInt(world.amounts[id] ?? "2000000") / 2n;
          const to = c.party.label === "supplierB" ? tenants.supplierB.orgId : tenants.supplierA.orgId;
          return { parts: [{ organizationId: to, amount: half.toString() }, { organizationId: to, amount: (BigInt(world.amounts[id] ?? "2000000") - half).toString() }] };
        },
        certificates(),
        { roles: ["supplier"], skip: (c, t) => c.party.label === "supplierB" && t.id === world.r.B2 },
      ),

    "POST /v1/receivables/{id}/transfers": () =>
      writesOn("transfer", "POST", (id) => `/v1/receivables/${id}/transfers`, (_id, c) => ({ organizationId: (c.party.label === "supplierA" ? tenants.supplierB : tenants.supplierA).orgId }), certificates(), {
        roles: ["supplier"],
        skip: (c, t) => c.party.label === "supplierB" && t.id === world.r.B2,
      }),

    "GET /v1/receivables/{id}": () =>
      reads((id) => `/v1/receivables/${id}`, certificates(), {
        check: (c, r) => (r.body.financing && r.body.financing.bankId !== c.party.orgId && !isReader(c.party) && !related(c.party.label, labelOf(r.body.financing.bankId)) ? `shows the financing of ${labelOf(r.body.financing.bankId)}` : false),
      }),

    "GET /v1/receivables/{id}/lineage": () => reads((id) => `/v1/receivables/${id}/lineage`, certificates()),

    "GET /v1/receivables/{id}/invoices": async () => {
      // the evidence behind a certificate: for its parties (holder, obligor, creditor, financing bank) and auditors, exactly its own invoices
      const backing = new Map<string, string[]>();
      for (const row of (await stack.ds.query(`SELECT receivable_id, id FROM invoices WHERE receivable_id IS NOT NULL`)) as { receivable_id: string; id: string }[]) {
        backing.set(row.receivable_id, [...(backing.get(row.receivable_id) ?? []), row.id]);
      }
      await reads((id) => `/v1/receivables/${id}/invoices`, certificates(), {
        check: (_c, r, t) => {
          const ids = (r.body.items as { id: string }[]).map((i) => i.id).sort();
          const expected = [...(backing.get(t.id) ?? [])].sort();
          return JSON.stringify(ids) !== JSON.stringify(expected) ? `lists invoices ${JSON.stringify(ids)}, expected the certificate's ${JSON.stringify(expected)}` : false;
        },
      });
    },

    "GET /v1/payables/calendar": () =>
      lists(
        "/v1/payables/calendar",
        (c, r) => {
          const payees = (r.body.days as { payees: { organizationId: string }[] }[]).flatMap((d) => d.payees.map((p) => labelOf(p.organizationId)));
          const expected = c.party.label === "coreA" ? "supplierA" : "supplierB";
          const problems = payees.filter((p) => p !== expected).map((p) => `owes ${p}?`);
          if (!payees.includes(expected)) problems.push(`misses its payables to ${expected}`);
          return problems;
        },
        { roles: ["core_enterprise"] },
      ),

    // ─── financing ────────────────────────────────────────────────────

    "GET /v1/credit-lines": () =>
      lists("/v1/credit-lines", (c, r) => {
        const items = r.body.items as { bankId: string; obligorId: string }[];
        if (isReader(c.party)) return items.length < 4 ? `lists ${items.length} of the 4 credit lines` : false;
        const mine = c.party.roles.includes("bank") ? (x: { bankId: string }) => x.bankId === c.party.orgId : (x: { obligorId: string }) => x.obligorId === c.party.orgId;
        return items.filter((x) => !mine(x as never)).map((x) => `lists the line of ${labelOf(x.bankId)} on ${labelOf(x.obligorId)}`);
      }),

    "POST /v1/credit-lines": async () => {
      // a credit line only on an active core enterprise: organizations that are nobody's business are as absent as a random id
      const f = new Findings();
      await unchanged("credit line", f, async () => {
        await each(callers, async (c) => {
          const random = randomUUID();
          const control = await call("POST", "/v1/credit-lines", c.person.key, { obligorId: random, limit: "1000" });
          for (const stranger of [pending]) {
            const r = await call("POST", "/v1/credit-lines", c.person.key, { obligorId: stranger.orgId, limit: "1000" });
            f.hidden(`${c.name} sets a credit line on ${stranger.label}`, r, control, stranger.orgId, random, c.party, hasRole(c.party, ["bank"]) ? [404] : [403]);
          }
          if (!hasRole(c.party, ["bank"])) {
            const r = await call("POST", "/v1/credit-lines", c.person.key, { obligorId: tenants.coreA.orgId, limit: "1" });
            if (r.status !== 403) f.add(`${c.name} sets a credit line on core A`, `status ${r.status}`);
          }
        });
      });
      f.done();
    },

    "GET /v1/financing-requests": () =>
      lists("/v1/financing-requests", (c, r) => {
        const items = r.body.items as { request: { id: string; supplierId: string; obligorId: string } }[];
        const ids = items.map((x) => x.request.id);
        if (isReader(c.party)) return Object.values(world.req).filter((id) => !ids.includes(id)).map((id) => `misses request ${id}`);
        const problems: string[] = [];
        if (c.party.label.startsWith("supplier")) problems.push(...items.filter((x) => x.request.supplierId !== c.party.orgId).map((x) => `lists ${labelOf(x.request.supplierId)}'s request ${x.request.id}`));
        else if (c.party.label === "bankA" || c.party.label === "bankB") problems.push(...Object.values(world.req).filter((id) => !ids.includes(id)).map((id) => `misses request ${id} it may quote on`));
        else problems.push(...items.map((x) => `lists request ${x.request.id}`));
        return problems;
      }),

    "POST /v1/financing-requests": () => writesOn("request financing", "POST", () => "/v1/financing-requests", (id) => ({ receivableId: id }), certificates(), { roles: ["supplier"] }),

    "GET /v1/financing-requests/{id}": () => reads((id) => `/v1/financing-requests/${id}`, financingRequests()),

    "GET /v1/financing-requests/{id}/quotes": () =>
      reads((id) => `/v1/financing-requests/${id}/quotes`, financingRequests(), {
        // a bank sees its own quotes only; the supplier compares them all
        check: (c, r, t) => {
          const banks = (r.body.items as { bankId: string }[]).map((q) => labelOf(q.bankId));
          if (c.party.roles.includes("bank")) return banks.filter((b) => b !== c.party.label).map((b) => `shows ${b}'s quote`);
          const quoted = t.id === world.req.A3 ? 1 : 2;
          if (c.party.label.startsWith("supplier") && banks.length < quoted) return `shows ${banks.length} of the ${quoted} quotes on ${t.what}`;
          return false;
        },
      }),

    "POST /v1/financing-requests/{id}/cancellation": () =>
      writesOn("cancel", "POST", (id) => `/v1/financing-requests/${id}/cancellation`, undefined, financingRequests(), {
        roles: ["supplier"],
        // its own supplier would cancel it: only strangers are probed
        skip: (c, t) => t.gets[0] === c.party.label,
      }),

    "POST /v1/financing-requests/{id}/quotes": () =>
      writesOn(
        "quote",
        "POST",
        (id) => `/v1/financing-requests/${id}/quotes`,
        () => ({ advanceRateBp: 5000, annualRateBp: 100, dayCount: 365, fee: "0", recourse: false, validUntil: new Date(Date.now() + 3600_000).toISOString() }),
        financingRequests(),
        { roles: ["bank"] },
      ),

    "POST /v1/quotes/{id}/withdrawal": () =>
      writesOn("withdraw", "POST", (id) => `/v1/quotes/${id}/withdrawal`, undefined, quoteTargets(), {
        roles: ["bank"],
        skip: (c, t) => (c.party.label === "bankA" && t.id === world.quotes.B2bankA) || (c.party.label === "bankB" && t.id === world.quotes.B2bankB),
      }),

    "GET /v1/quotes/{id}/terms": () =>
      reads(
        (id) => `/v1/quotes/${id}/terms`,
        quoteTargets().map((t) => ({ ...t, gets: [world.quotes.B2bankA, world.quotes.B2bankB].includes(t.id) ? ["supplierB"] : [], sees: t.gets.filter((x) => x.startsWith("supplier")) })),
        { roles: ["supplier"] },
      ),

    "POST /v1/quotes/{id}/acceptance": () =>
      writesOn("accept", "POST", (id) => `/v1/quotes/${id}/acceptance`, () => ({}), quoteTargets(), {
        roles: ["supplier"],
        skip: (c, t) => c.party.label === "supplierB" && [world.quotes.B2bankA, world.quotes.B2bankB].includes(t.id),
      }),

    "GET /v1/financings": () =>
      lists("/v1/financings", (c, r) => {
        const items = r.body.items as { id: string; bankId: string; supplierId: string }[];
        if (isReader(c.party)) return Object.values(world.fin).filter((id) => !items.some((x) => x.id === id)).map((id) => `misses financing ${id}`);
        const problems = items.filter((x) => x.bankId !== c.party.orgId && x.supplierId !== c.party.orgId).map((x) => `lists the financing ${x.id} of ${labelOf(x.bankId)} to ${labelOf(x.supplierId)}`);
        const own = Object.entries(world.fin).filter(([name]) => (name.startsWith("A") ? ["supplierA", "bankA"] : ["supplierB", "bankB"]).includes(c.party.label));
        problems.push(...own.filter(([, id]) => !items.some((x) => x.id === id)).map(([name]) => `misses its financing ${name}`));
        return problems;
      }),

    "GET /v1/financings/{id}": () =>
      reads((id) => `/v1/financings/${id}`, [
        { what: "bank A's financing of A1", id: world.fin.A1, gets: ["supplierA", "bankA"] },
        { what: "bank A's financing of A3 (defaulted)", id: world.fin.A3, gets: ["supplierA", "bankA"] },
        { what: "bank B's financing of B1", id: world.fin.B1, gets: ["supplierB", "bankB"] },
      ]),

    // ─── settlement ───────────────────────────────────────────────────

    "POST /v1/settlement/deposits": async () => {
      // only the settlement issuer mints, and only to active members
      const f = new Findings();
      await unchanged("deposit", f, async () => {
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

    "POST /v1/settlement/withdrawals": async () => {
      // a member withdraws its own tokens only: more than it holds is refused, naming its own balance
      const f = new Findings();
      await unchanged("withdraw", f, async () => {
        await each(callers, async (c) => {
          const r = await call("POST", "/v1/settlement/withdrawals", c.person.key, { amount: "999999999999999999" });
          f.refused(`${c.name} withdraws more than it holds`, r, c.party);
          f.add(`${c.name} withdraws more than it holds`, foreignData(r, c.party));
        });
      });
      f.done();
    },

    "POST /v1/settlement/repayment-authorization": async () => {
      // core enterprises (repayments) and suppliers (recourse) authorize pulls from their own account; nobody else
      const f = new Findings();
      await unchanged("authorize repayment", f, async () => {
        await each(callers.filter((x) => !hasRole(x.party, ["core_enterprise", "supplier"])), async (c) => {
          const r = await call("POST", "/v1/settlement/repayment-authorization", c.person.key, { amount: "1" });
          if (r.status !== 403) f.add(`${c.name} authorizes repayment`, `status ${r.status}`);
          f.add(`${c.name} authorizes repayment`, foreignData(r, c.party));
        });
      });
      f.done();
    },

    "GET /v1/settlement/account": () => settlementReads("account"),
    "GET /v1/settlement/movements": () => settlementReads("movements"),

    "GET /v1/settlement/repayment-coverage": () =>
      lists("/v1/settlement/repayment-coverage", (c, r) => (r.body.organizationId !== c.party.orgId ? `covers ${labelOf(r.body.organizationId)}` : false), { roles: ["core_enterprise"] }),

    // ─── clearing ─────────────────────────────────────────────────────

    "POST /v1/receivables/defaults": () =>
      writesOn("declare default", "POST", () => "/v1/receivables/defaults", (id) => ({ receivableIds: [id] }), certificates(), {
        roles: ["bank", "supplier"],
        skip: (c, t) => c.party.label === "supplierA" && t.id === world.r.A4,
      }),

    "POST /v1/receivables/recourse-claims": () =>
      writesOn("claim recourse", "POST", () => "/v1/receivables/recourse-claims", (id) => ({ receivableIds: [id] }), certificates(), {
        roles: ["bank"],
        skip: (c, t) => c.party.label === "bankA" && t.id === world.r.A3,
      }),

    "GET /v1/receivables/{id}/clearing": () =>
      reads((id) => `/v1/receivables/${id}/clearing`, certificates(), {
        check: (c, r, t) => ([world.r.A3, world.r.A4].includes(t.id) && (r.body.items as unknown[]).length === 0 ? `the clearing history of ${t.what} is empty` : false),
      }),

    // ─── indexer ──────────────────────────────────────────────────────

    // chain events the indexer set aside: for the operator and auditors (every tenant else is refused)
    "GET /v1/indexer/quarantine": () => lists("/v1/indexer/quarantine", (_c, r) => (r.body.total !== 0 ? `${r.body.total} events quarantined` : false), { roles: ["auditor"] }),

    // ─── webhooks ─────────────────────────────────────────────────────

    "GET /v1/webhooks/event-types": () => lists("/v1/webhooks/event-types", (_c, r) => ((r.body.items as unknown[]).length === 0 ? "the catalogue is empty" : false)),

    "GET /v1/webhooks": () =>
      lists("/v1/webhooks?includeInactive=true", (c, r) => {
        const items = r.body.items as { id: string }[];
        const own = world.hooks[c.party.label as keyof BusinessWorld["hooks"]]?.subscription;
        const problems = items.filter((s) => s.id !== own).map((s) => `lists subscription ${s.id}`);
        if (own && !items.some((s) => s.id === own)) problems.push("misses its own subscription");
        if (/whsec_/.test(r.text)) problems.push("shows a signing secret");
        return problems;
      }),

    "POST /v1/webhooks": async () => {
      // the organization's events go where its admins say: a member user is refused; nothing of other subscriptions shows
      const f = new Findings();
      await unchanged("subscribe", f, async () => {
        await each(callers.filter((x) => x.role === "member"), async (c) => {
          const r = await call("POST", "/v1/webhooks", c.person.key, { url: world.receiver.url("/stolen"), events: ["*"] });
          if (r.status !== 403) f.add(`${c.name} subscribes`, `status ${r.status}`);
          f.add(`${c.name} subscribes`, foreignData(r, c.party));
        });
      });
      f.done();
    },

    "GET /v1/webhooks/deliveries": async () => {
      const ownSub = (c: Caller) => world.hooks[c.party.label as keyof BusinessWorld["hooks"]]?.subscription;
      await lists("/v1/webhooks/deliveries?limit=500", (c, r) => {
        const items = r.body.items as { id: string; subscriptionId: string }[];
        const problems = items.filter((d) => d.subscriptionId !== ownSub(c)).map((d) => `lists delivery ${d.id} of subscription ${d.subscriptionId}`);
        if (ownSub(c) && items.length === 0) problems.push("misses its own deliveries");
        return problems;
      });
      // filtering by another organization's subscription finds nothing; paging from another's delivery is refused as for a random id
      const f = new Findings();
      await each(callers, async (c) => {
        const other = (c.party.label === "bankA" ? "bankB" : "bankA") as keyof BusinessWorld["hooks"];
        const r = await call("GET", `/v1/webhooks/deliveries?subscriptionId=${world.hooks[other].subscription}`, c.person.key);
        if (r.status !== 200 || (r.body.items as unknown[]).length) f.add(`${c.name} filters by ${other}'s subscription`, `${r.status} ${r.text.slice(0, 200)}`);
        const random = randomUUID();
        const control = await call("GET", `/v1/webhooks/deliveries?after=${random}`, c.person.key);
        const page = await call("GET", `/v1/webhooks/deliveries?after=${world.hooks[other].delivery}`, c.person.key);
        f.hidden(`${c.name} pages from ${other}'s delivery`, page, control, world.hooks[other].delivery, random, c.party, [422]);
      });
      f.done();
    },

    "POST /v1/webhooks/deliveries/{id}/redelivery": () =>
      writesOn("redeliver", "POST", (id) => `/v1/webhooks/deliveries/${id}/redelivery`, undefined, hookTargets("delivery"), { skip: (c, t) => t.gets.includes(c.party.label as TenantName) }),

    "DELETE /v1/webhooks/{id}": () =>
      writesOn("unsubscribe", "DELETE", (id) => `/v1/webhooks/${id}`, undefined, hookTargets("subscription"), { adminOnly: true, skip: (c, t) => t.gets.includes(c.party.label as TenantName) }),

    "POST /v1/webhooks/{id}/test": () =>
      writesOn("test", "POST", (id) => `/v1/webhooks/${id}/test`, undefined, hookTargets("subscription"), { skip: (c, t) => t.gets.includes(c.party.label as TenantName) }),

    // ─── reconciliation ───────────────────────────────────────────────

    "GET /v1/reconciliation/report": () => reconciliationReads("report"),
    "GET /v1/reconciliation/statements": () => reconciliationReads("statements"),

    "POST /v1/reconciliation/statements": async () => {
      // a statement line naming another bank's financing is answered exactly as one naming nothing: it is "not a financing of your bank"
      const f = new Findings();
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
          await unchanged(`${c.name} uploads`, f, async () => {
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
          let t = JSON.stringify(r.body?.reconciliation ?? { statement: r.body?.statement?.lines, matched: r.body?.statement?.matchedLines, mismatches: r.body?.mismatches, unmatched: r.body?.unmatchedStatementLines });
          // line numbers are the same in both uploads; then each reference as a whole token (a certificate id may be "4")
          t = t.replace(/Statement line \d+/g, "Statement line #").replace(/"(statementLine|line)":\d+/g, '"$1":#');
          // (never a JSON number after ":": a count of 3 is no certificate id "3")
          refs.forEach((ref, i) => (t = t.replace(new RegExp(`(?<![0-9A-Za-z:-])${escapeRe(ref)}(?![0-9A-Za-z-])`, "g"), `<ref${i}>`)));
          return t.replace(/"bankReference":"[^"]*"/g, "").replace(/\([^)]*-\d\)/g, "");
        };
        const what = `${c.name} uploads a statement naming other banks' financing, certificate and certificate id`;
        if (a.status !== 201 || b.status !== 201) f.add(what, `statuses ${a.status}, ${b.status}: ${a.text.slice(0, 200)}`);
        if (gist(a, theirs) !== gist(b, randoms)) f.add(what, `answered otherwise than for random references: ${firstDifference(gist(a, theirs), gist(b, randoms))}`);
        if (gist(reportA, theirs) !== gist(reportB, randoms)) f.add(`${what}: the report`, `differs from the one for random references: ${firstDifference(gist(reportA, theirs), gist(reportB, randoms))}`);
        for (const r of [a, reportA]) f.add(what, leaks(r, c.party, theirs));
      });
      f.done();
    },
  };

  // ─── targets ──────────────────────────────────────────────────────

  /** Every certificate of the world, readable by its parties (holder, obligor, creditor, financing bank). */
  function certificates(): Target[] {
    const r = world.r;
    const named: [string, string][] = [
      ["supplier A's A1 (financed by bank A)", r.A1],
      ["supplier A's A2 (pending)", r.A2],
      ["supplier A's A3 (defaulted)", r.A3],
      ["supplier A's A4 (overdue)", r.A4],
      ["supplier B's B1 (financed by bank B)", r.B1],
      ["supplier B's B2 (confirmed, quoted)", r.B2],
      ["supplier B's B3 (pending)", r.B3],
    ];
    return named.map(([what, id]) => ({ what, id, gets: partiesOf(id) }));
  }

  /** The financing requests: the supplier's, and visible to the banks with a credit line on the obligor (banks A and B, not C). */
  function financingRequests(): Target[] {
    return Object.entries(world.req).map(([name, id]) => ({ what: `${name.startsWith("A") ? "supplier A" : "supplier B"}'s request ${name}`, id, gets: [name.startsWith("A") ? "supplierA" : "supplierB", "bankA", "bankB"] as TenantName[] }));
  }

  /** The quotes: its bank's and the requesting supplier's. */
  function quoteTargets(): Target[] {
    return Object.entries(world.quotes).map(([name, id]) => {
      const bank = name.endsWith("bankA") ? "bankA" : "bankB";
      const supplier = name.startsWith("A") ? "supplierA" : "supplierB";
      return { what: `${bank}'s quote on ${supplier}'s ${name.slice(0, 2)}`, id, gets: [supplier, bank] as TenantName[] };
    });
  }

  /** Every tenant's pending draft: its own organization's only. */
  function draftTargets(): Target[] {
    return TENANTS.map((label) => ({ what: `${label}'s draft`, id: drafts[label], gets: [label] }));
  }

  /** Every member's webhook subscription or test delivery: its own only. */
  function hookTargets(kind: "subscription" | "delivery"): Target[] {
    return Object.entries(world.hooks).map(([label, h]) => ({ what: `${label}'s ${kind}`, id: h[kind], gets: [label as TenantName] }));
  }

  /** Submits another supplier's invoice as one's own: refused, nothing stored. */
  async function invoiceInNameOfAnother(batch: boolean) {
    const f = new Findings();
    await unchanged("submit", f, async () => {
      await each(callers, async (c) => {
        const [invoice] = cleanSeedInvoices(c.party.label === "supplierA" ? SEED_USCC.supplierB : SEED_USCC.supplierA, c.party.label === "supplierA" ? SEED_USCC.coreB : SEED_USCC.coreA, 1);
        const forged = { ...invoice, invoiceNumber: `2650${Date.now()}${randomBytes(2).readUInt16BE(0) % 10000}`.padEnd(20, "7").slice(0, 20) };
        const body = batch ? { invoices: [forged] } : forged;
        const r = await call("POST", batch ? "/v1/invoices/batch" : "/v1/invoices", c.person.key, body);
        const what = `${c.name} submits an invoice in ${invoice.sellerTaxId}'s name`;
        const expected = hasRole(c.party, ["supplier"]) ? 422 : 403;
        if (r.status !== expected) f.add(what, `status ${r.status} (expected ${expected}): ${r.text.slice(0, 200)}`);
        if (expected === 422 && !(r.body?.errors ?? []).some((e: { field: string }) => /sellerTaxId$/.test(e.field))) f.add(what, `no error names the seller: ${r.text.slice(0, 200)}`);
        f.add(what, leaks(r, c.party, [JSON.stringify(body)]));
      });
    });
    f.done();
  }

  /** A settlement account and its movements: one's own; the issuer and auditors read any; anyone else finds other organizations absent. */
  async function settlementReads(what: "account" | "movements") {
    const f = new Findings();
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

  /** A bank's reconciliation report and statements: its own; auditors name any bank; another bank's are absent. */
  async function reconciliationReads(what: "report" | "statements") {
    const path = (q: string) => `/v1/reconciliation/${what}?${what === "report" ? `date=${world.today}&` : ""}${q}`;
    const f = new Findings();
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


  /** Operator-only writes: every tenant (auditors included) is refused, identically for a real and a random id, and nothing changes. */
  async function operatorOnlyWrite(action: string, body: object, targets: Party[]) {
    const f = new Findings();
    const states = async () => Promise.all(everyone().map(async (o) => (await stack.api.get(`/v1/organizations/${o.orgId}`, op())).body.status as string));
    const before = await states();
    await unchanged(action, f, async () => {
      await each(callers, async (c) => {
        const random = randomUUID();
        const control = await call("POST", `/v1/organizations/${random}/${action}`, c.person.key, body);
        if (control.status !== 403) f.add(`${c.name} ${action} on a random id`, `status ${control.status}`);
        const aimed = [...new Set([...targets, ...othersOf(c.party).slice(0, 3), c.party])];
        for (const t of aimed) {
          const r = await call("POST", `/v1/organizations/${t.orgId}/${action}`, c.person.key, body);
          f.hidden(`${c.name} ${action} on ${t.label}`, r, control, t.orgId, random, c.party, [403]);
        }
      });
    });
    const after = await states();
    f.add(`${action}: organization states`, JSON.stringify(before) !== JSON.stringify(after) ? `${JSON.stringify(before)} → ${JSON.stringify(after)}` : false);
    f.done();
  }

  it("every endpoint of /openapi.json has a tenant probe", async () => {
    const keys = listOperations(await fetchOpenApi(stack)).map((o) => o.key);
    expect(keys.length).toBeGreaterThan(0);
    const missing = keys.filter((k) => !(k in probes));
    expect(missing, `endpoints without a tenant-isolation probe (add one to \`probes\`): ${missing.join(", ")}`).toEqual([]);
    const stale = Object.keys(probes).filter((k) => !keys.includes(k));
    expect(stale, `probes for endpoints that are not in /openapi.json: ${stale.join(", ")}`).toEqual([]);
  });

  for (const [key, probe] of Object.entries(probes)) it(key, probe);

  // ─── beyond one endpoint ──────────────────────────────────────────

  it("a person's browser session reads its own organization's data only: another's certificates, organizations and drafts are absent", async () => {
    const f = new Findings();
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
        for (const t of targets) {
          const r = await browse("GET", path(t.id), login);
          const name = `${label}'s person reads ${what} ${t.what}`;
          if ((isReader(p) && everyoneReads) || t.gets.includes(label)) {
            if (r.status !== 200) f.add(name, `status ${r.status} (it may read it)`);
            f.add(name, leaks(r, p, [t.id]));
          } else f.hidden(name, r, control, t.id, random, p);
        }
      }
      const list = await browse("GET", "/v1/drafts?limit=500", login);
      const ids = ((list.body?.items ?? []) as { id: string }[]).map((d) => d.id);
      f.add(`${label}'s person lists drafts`, Object.entries(drafts).filter(([l, id]) => l !== label && ids.includes(id)).map(([l]) => `lists ${l}'s draft`));
      if (!ids.includes(drafts[label])) f.add(`${label}'s person lists drafts`, "misses its own organization's draft");
    });
    f.done();
  });

  it("a member cannot manage other users' keys: issue, list, revoke", async () => {
    const f = new Findings();
    const a = tenants.supplierA;
    await unchanged("member key management", f, async () => {
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
  });

  it("an Idempotency-Key never replays another user's answer: a member cannot obtain the admin's new key", async () => {
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
  });

  it("an issued key's secret is never stored in clear, not even for idempotent replays", async () => {
    const a = tenants.bankB;
    const idem = `ci-${randomBytes(4).toString("hex")}`;
    const issued = await rawRequest(stack.apiPort, { method: "POST", path: "/v1/api-keys", headers: { ...jsonHeaders(a.admin.key), "idempotency-key": idem }, body: JSON.stringify({ label: "ci" }) });
    expect(issued.status).toBe(201);
    await call("DELETE", `/v1/api-keys/${issued.body.id}`, a.admin.key);
    const secret = secretOf(issued.body.key as string);
    await new Promise((r) => setTimeout(r, 100));
    const rows = (await stack.ds.query(`SELECT key FROM idempotency_keys WHERE response_body::text LIKE '%' || $1 || '%'`, [secret])) as { key: string }[];
    expect(rows.map((r) => r.key), "the API key secret sits in idempotency_keys.response_body").toEqual([]);
  });

  it("an id is the same object in any letter case: the owner is not told its own organization does not exist", async () => {
    const f = new Findings();
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
  });

  it("the queue dashboard (outside /openapi.json) is for operators only", async () => {
    const f = new Findings();
    await each(callers, async (c) => {
      const r = await call("GET", "/admin/queues", c.person.key);
      if (r.status !== 403) f.add(c.name, `status ${r.status}`);
      f.add(c.name, foreignData(r, c.party));
    });
    const r = await rawRequest(stack.apiPort, { method: "GET", path: "/admin/queues", headers: opHeaders() });
    if (r.status !== 200) f.add("operator", `status ${r.status}`);
    f.done();
  });
});
