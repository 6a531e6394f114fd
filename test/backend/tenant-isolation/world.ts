import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { expect } from "vitest";
import { Stack, randomUscc } from "../support/stack";
import { eventually } from "../support/http";
import { WORLD_ENV, WriteProbe, bearer, buildWorld, jsonHeaders, rawRequest, settleOutbox, settleWorld, type BusinessWorld, type RawReply } from "../support/openapi-probe";
import { FULL, SEED, type Target } from "./probe";
import { enrolmentMessage, generateKeyPair, sm2Sign } from "../../../backend/src/modules/documents";

export interface Person {
  userId: string;
  email: string;
  key: string;
  keyId: string;
  /** A second key of the same user, for revocation attempts. */
  spareKeyId: string;
}

export interface Party {
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

export type Role = "admin" | "member";

/** A person signed in to the portal: its session cookie and CSRF token. */
export interface Login {
  userId: string;
  email: string;
  session: string;
  csrf: string;
}

export const PERSON_PASSWORD = "tenant isolation passphrase";
export interface Caller {
  party: Party;
  role: Role;
  person: Person;
  name: string;
}

export const TENANTS = ["supplierA", "supplierB", "coreA", "coreB", "bankA", "bankB", "bankC", "issuer", "auditor"] as const;
export type TenantName = (typeof TENANTS)[number];

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
export const related = (a: string, b: string) => a === b || RELATIONS.has(`${a}|${b}`);

/** A business object of one tenant: who may see its id (anyone else must never meet it). */
interface Obj {
  what: string;
  id: string;
  viewers: TenantName[];
}

/** The secret part of `cf_<12-character prefix>_<secret>` (the secret itself may contain "_"). */
export const secretOf = (key: string) => key.slice("cf_".length + 13);

export const isReader = (p: Party) => p.label === "auditor";
export const hasRole = (p: Party, roles?: string[]) => !roles || roles.some((r) => p.roles.includes(r));

/**
 * The world every probe runs in, built once through the API (see buildWorld): two suppliers
 * selling to two core enterprises, two banks with credit lines on both and a third without any, a
 * settlement issuer and an auditor; invoices, certificates in every state, financing requests with
 * competing quotes, fundings, a default, webhook subscriptions and deliveries, and bank
 * statements, each owned by one tenant. Counterparties legitimately see each other (a supplier sees
 * the banks that quoted it; a bank the suppliers whose requests it may fund), so leaks are judged
 * against who is party to what (RELATED, and each object's viewers); a bank never sees another
 * bank's quotes, financings or books.
 */
export class Tenants {
  stack!: Stack;
  writes!: WriteProbe;
  world!: BusinessWorld;
  readonly tenants = {} as Record<TenantName, Party>;
  /** Organizations that are nobody's caller here: a pending one, a suspended one, and the operator. */
  pending!: Party;
  suspended!: Party;
  operator!: Party;
  callers!: Caller[];
  /** Every business object of the world, with who may meet its id. */
  readonly objects: Obj[] = [];
  /** A person of each tenant signed in to the portal (invited by the operator, accepted with a password). */
  readonly people = {} as Record<TenantName, Login>;
  /** A pending draft of each tenant (its admin's), and an invitation of supplier A accepted already. */
  readonly drafts = {} as Record<TenantName, string>;
  usedInvitationToken!: string;
  /** Who is party to a certificate (holder, obligor, creditor, financing bank): they may read it. */
  partiesOf!: (receivableId: string) => TenantName[];
  /** Requests sent by the probes. */
  requests = 0;
  /** Signing keys by person (user id): every admin and member of the members that sign documents enrolled one (documents.probes.ts). */
  readonly signingKeys = new Map<string, { serial: string; privateKey: string; party: TenantName }>();

  op = () => ({ key: this.stack.operatorKey });
  opHeaders = () => bearer(this.stack.operatorKey);

  // ─── requests ─────────────────────────────────────────────────────

  call = (method: string, path: string, key: string, body?: unknown) => {
    this.requests++;
    return rawRequest(this.stack.apiPort, { method, path, headers: body === undefined ? bearer(key) : jsonHeaders(key), body: body === undefined ? undefined : JSON.stringify(body) });
  };

  /** A request from a person's browser: the session cookie, and the CSRF token on a change. */
  browse = (method: string, path: string, login: Login, body?: unknown) => {
    this.requests++;
    const headers: Record<string, string> = { cookie: `cf_session=${login.session}; cf_csrf=${login.csrf}`, "x-csrf-token": login.csrf };
    if (body !== undefined) headers["content-type"] = "application/json";
    return rawRequest(this.stack.apiPort, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  /** The session cookies an answer sets. */
  loginOf = (r: RawReply, email: string): Login => {
    const cookies = new Map(([] as string[]).concat(r.headers["set-cookie"] ?? []).map((c) => c.split(";")[0].split("=") as [string, string]));
    return { userId: r.body.user.id, email, session: cookies.get("cf_session")!, csrf: cookies.get("cf_csrf")! };
  };
  /** Forgets this stack's failed sign-ins (per account and per address, in Redis), so later sign-ins are not throttled. */
  clearSignInThrottle = async () => {
    const redis = new Redis(this.stack.config.REDIS_URL, { maxRetriesPerRequest: null });
    try {
      const keys = await redis.keys(`${this.stack.config.QUEUE_PREFIX}:signin:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  };

  // ─── who sees what ────────────────────────────────────────────────

  everyone = () => [...Object.values(this.tenants), this.pending, this.suspended, this.operator];
  othersOf = (p: Party) => this.everyone().filter((o) => o.orgId !== p.orgId);
  labelOf = (orgId: string) => (this.everyone().find((p) => p.orgId === orgId)?.label ?? "nobody") as TenantName;

  /** Identifiers of other organizations in `r` that the caller did not send itself. */
  foreignData = (r: RawReply, caller: Party, sent: string[] = []): string[] => {
    const text = r.text.toLowerCase();
    const mine = sent.join(" ").toLowerCase();
    return this.othersOf(caller).flatMap((o) =>
      o.secrets.filter((s) => !mine.includes(s.toLowerCase()) && text.includes(s.toLowerCase())).map((s) => `${o.label}'s ${s}`),
    );
  };

  /**
   * What of other tenants `r` shows that the caller has no business seeing: identifiers of
   * organizations it does not deal with, and ids of objects it is no party to (auditors read all).
   */
  leaks = (r: RawReply, caller: Party, sent: string[] = []): string[] => {
    if (isReader(caller)) return [];
    const text = r.text.toLowerCase();
    const mine = sent.join(" ").toLowerCase();
    const out: string[] = [];
    for (const o of this.othersOf(caller)) {
      if (related(caller.label, o.label)) continue;
      for (const s of o.secrets) if (!mine.includes(s.toLowerCase()) && text.includes(s.toLowerCase())) out.push(`${o.label}'s ${s}`);
    }
    for (const x of this.objects) {
      if (x.viewers.includes(caller.label as TenantName) || mine.includes(x.id.toLowerCase())) continue;
      if (text.includes(x.id.toLowerCase())) out.push(`${x.what} ${x.id} (for ${x.viewers.join(", ")} only)`);
    }
    return out;
  };

  // ─── targets more than one module probes ──────────────────────────

  /** Every certificate of the world, readable by its parties (holder, obligor, creditor, financing bank). */
  certificates = (): Target[] => {
    const r = this.world.r;
    const named: [string, string][] = [
      ["supplier A's A1 (financed by bank A)", r.A1],
      ["supplier A's A2 (pending)", r.A2],
      ["supplier A's A3 (defaulted)", r.A3],
      ["supplier A's A4 (overdue)", r.A4],
      ["supplier B's B1 (financed by bank B)", r.B1],
      ["supplier B's B2 (confirmed, quoted)", r.B2],
      ["supplier B's B3 (pending)", r.B3],
      ...r.offeredA.map((id, i): [string, string] => [`supplier A's O${i + 1} (issued by core A, offered)`, id]),
    ];
    return named.map(([what, id]) => ({ what, id, gets: this.partiesOf(id) }));
  };

  /** Every tenant's pending draft: its own organization's only. */
  draftTargets = (): Target[] => TENANTS.map((label) => ({ what: `${label}'s draft`, id: this.drafts[label], gets: [label] }));

  // ─── setup ────────────────────────────────────────────────────────

  /**
   * A person of `orgId` signed in (a fixture user with a password: an auditor's admin may not invite
   * anyone, and the operator invites only first admins).
   */
  private async signedIn(orgId: string, duty: "viewer" | "clerk" | "approver" = "approver"): Promise<Login> {
    const email = `${duty}-${randomBytes(4).toString("hex")}@people-${orgId.slice(0, 8)}.example`;
    await this.stack.fixtureUser(orgId, { role: "member", duty, email, name: `${duty} person`, password: PERSON_PASSWORD });
    const r = await rawRequest(this.stack.apiPort, { method: "POST", path: "/v1/sessions", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: PERSON_PASSWORD }) });
    if (r.status !== 201) throw new Error(`sign in: ${r.status} ${r.text}`);
    return this.loginOf(r, email);
  }

  private async person(orgId: string, adminKey: string, role: Role, existing?: { userId: string; key: string }): Promise<Person> {
    const stack = this.stack;
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

  private async ownedOperation(orgId: string): Promise<string> {
    // an operation that concerns nobody else (a failed one, so that nothing is sent to the ledger)
    const [signer] = await this.stack.ds.query(`SELECT address FROM ledger_keys WHERE purpose = 'operator' LIMIT 1`);
    const [row] = await this.stack.ds.query(
      `INSERT INTO outbox (kind, batch_key, signer, payload, organization_id, aggregate_id, status, error_code, error_message)
       VALUES ('membership.suspend', 'probe', $1, '{}', $2::uuid, $2::text, 'failed', 'PROBE', 'inserted by the tenant-isolation test') RETURNING id`,
      [signer.address, orgId],
    );
    return String(row.id);
  }

  private async party(label: string, orgId: string, admin: Person, member: Person): Promise<Party> {
    const org = (await this.stack.api.get(`/v1/organizations/${orgId}`, this.op())).body;
    const keys = (await this.stack.api.get("/v1/api-keys", { key: admin.key })).body.items as { id: string; prefix: string }[];
    const operationId = await this.ownedOperation(orgId);
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

  private async onboarded(label: string, o: { orgId: string; key: string; userId: string }): Promise<Party> {
    const admin = await this.person(o.orgId, o.key, "admin", { userId: o.userId, key: o.key });
    const member = await this.person(o.orgId, o.key, "member");
    return this.party(label, o.orgId, admin, member);
  }

  async start() {
    const stack = (this.stack = await Stack.start({ env: WORLD_ENV }));
    const { tenants, objects, people, drafts, op, labelOf } = this;
    this.writes = new WriteProbe(stack);
    const [built, suspendedOrg] = await Promise.all([buildWorld(stack, { extraMembers: { bankC: ["bank"] }, offersToA: 2 }), stack.onboard(["core_enterprise"], `suspended 供应链 ${randomBytes(4).toString("hex")} Ltd`)]);
    const world = (this.world = built);
    const members = { ...world.m, bankC: world.extra.bankC };
    const made = await Promise.all([...TENANTS.map((label) => this.onboarded(label, members[label])), this.onboarded("suspended", suspendedOrg)]);
    TENANTS.forEach((label, i) => (tenants[label] = made[i]));
    const suspended = (this.suspended = made[made.length - 1]);
    const s = await stack.api.post(`/v1/organizations/${suspended.orgId}/suspension`, { reason: "probe target" }, op());
    if (s.status !== 202) throw new Error(`suspend: ${s.status} ${JSON.stringify(s.body)}`);
    await eventually(async () => (await stack.api.get(`/v1/organizations/${suspended.orgId}`, op())).body.status === "suspended", 20_000, "suspension");

    // a pending organization (KYC not approved): it has no users; the operator adds one so there is something to hide
    const created = await stack.api.post(
      "/v1/organizations",
      { legalName: `pending 待审 ${randomBytes(4).toString("hex")} Ltd`, unifiedSocialCreditCode: randomUscc(), roles: ["supplier"], enterpriseSize: "small" },
      op(),
    );
    const pAdmin = await this.person(created.body.id, stack.operatorKey, "admin");
    const pMember = await this.person(created.body.id, stack.operatorKey, "member");
    this.pending = await this.party("pending", created.body.id, pAdmin, pMember);

    const opAdmin = await this.person(stack.operatorOrgId, stack.operatorKey, "admin", { userId: (await stack.api.get("/v1/me", op())).body.user.id, key: stack.operatorKey });
    const opMember = await this.person(stack.operatorOrgId, stack.operatorKey, "member");
    this.operator = await this.party("operator", stack.operatorOrgId, opAdmin, opMember);
    // the operator's own operations (KYC approvals, the suspension) are also someone else's to every tenant
    const ops = (await stack.ds.query(`SELECT id FROM outbox WHERE organization_id = $1`, [stack.operatorOrgId])) as { id: string }[];
    expect(ops.length).toBeGreaterThan(0);

    // who may meet which object's id
    const w = world;
    const certs = (await stack.ds.query(
      `SELECT id, holder_organization_id AS holder, obligor_organization_id AS obligor, creditor_organization_id AS creditor, financing_bank_organization_id AS bank FROM receivables`,
    )) as { id: string; holder: string; obligor: string; creditor: string; bank: string | null }[];
    const certParties = new Map(certs.map((c) => [c.id, [...new Set([c.holder, c.obligor, c.creditor, c.bank].filter(Boolean).map((id) => labelOf(id!)))]]));
    const partiesOf = (this.partiesOf = (id) => certParties.get(id) ?? []);
    const banksWithLines: TenantName[] = ["bankA", "bankB"];
    for (const id of [...w.invoices.usedA, ...w.invoices.freeA]) objects.push({ what: "supplier A's invoice", id, viewers: ["supplierA"] });
    for (const id of [...w.invoices.usedB, ...w.invoices.freeB]) objects.push({ what: "supplier B's invoice", id, viewers: ["supplierB"] });
    const requested = new Set([w.r.A1, w.r.A3, w.r.B1, w.r.B2]);
    for (const [name, id] of Object.entries(w.r)) {
      if (Array.isArray(id)) continue;
      // a certificate with a financing request is shown to the banks that may quote on it
      objects.push({ what: `certificate ${name}`, id, viewers: [...new Set([...partiesOf(id), ...(requested.has(id) ? banksWithLines : [])])] });
    }
    for (const [i, id] of w.r.offeredA.entries()) objects.push({ what: `certificate O${i + 1}`, id, viewers: partiesOf(id) });
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
    const logins = await Promise.all(TENANTS.map((label) => this.signedIn(tenants[label].orgId)));
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
    this.usedInvitationToken = used.body.token;
    const usedBy = await stack.api.post("/v1/invitations/acceptance", { token: this.usedInvitationToken, password: PERSON_PASSWORD });
    if (usedBy.status !== 201) throw new Error(`accept: ${usedBy.status} ${JSON.stringify(usedBy.body)}`);

    // each quote's financing agreement, as its supplier opens it before signing (an acceptance makes none: it binds signed ones)
    for (const [name, quote] of Object.entries(world.quotes)) {
      const reader = name.startsWith("A") ? tenants.supplierA : tenants.supplierB;
      const r = await stack.api.get(`/v1/quotes/${quote}/agreement`, { key: reader.admin.key });
      if (r.status !== 200) throw new Error(`the agreement of quote ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    }

    // signed documents: each person of the members that sign holds a certificate of its own key (but supplier B's: a supplier that
    // signs must sign an agreement before its quote's terms are given, and GET /v1/quotes/{id}/terms reads B2's); the documents
    // the world made are their parties' objects
    for (const label of ["supplierA", "coreA", "coreB", "bankA", "bankB", "bankC"] as const) {
      for (const person of [tenants[label].admin, tenants[label].member]) {
        const k = generateKeyPair();
        const proof = sm2Sign(k.privateKey, enrolmentMessage({ personId: person.userId, publicKey: k.publicKey }));
        const r = await stack.api.post("/v1/signing/certificates", { publicKey: k.publicKey, proof }, { key: person.key });
        if (r.status !== 201) throw new Error(`enrol ${label}: ${r.status} ${JSON.stringify(r.body)}`);
        this.signingKeys.set(person.userId, { serial: r.body.serial, privateKey: k.privateKey, party: label });
      }
    }
    await settleWorld(stack);
    for (const d of (await stack.ds.query(`SELECT id::text, kind, parties::text[] AS parties FROM documents`)) as { id: string; kind: string; parties: string[] }[]) {
      objects.push({ what: `${d.kind} document`, id: d.id, viewers: d.parties.map(labelOf) });
    }

    const roles = (i: number): Role[] => (FULL ? ["admin", "member"] : [(i + SEED) % 2 ? "admin" : "member"]);
    this.callers = Object.values(tenants).flatMap((p, i) => roles(i).map((role) => ({ party: p, role, person: p[role], name: `${p.label} ${role}` })));
    await settleWorld(stack);
    await settleOutbox(stack);
    console.info(`tenant-isolation world: ${JSON.stringify(world.timings)}`);
  }

  async close() {
    if (this.requests) console.info(`tenant-isolation: ${this.requests} probe requests from ${this.callers.length} callers (${FULL ? "admin and member" : "admin or member"} of ${TENANTS.length} tenants; seed ${SEED}) at ${this.everyone().length} organizations`);
    await this.writes?.close();
    await this.stack?.close();
    await this.world?.receiver.close();
  }
}
