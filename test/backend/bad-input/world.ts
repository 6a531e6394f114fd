import { randomBytes } from "node:crypto";
import { Stack, randomUscc } from "../support/stack";
import { eventually } from "../support/http";
import {
  WORLD_ENV,
  WriteProbe,
  bearer,
  buildWorld,
  fetchOpenApi,
  listOperations,
  rawRequest,
  settleOutbox,
  settleWorld,
  type BusinessWorld,
  type Operation,
} from "../support/openapi-probe";
import { RUNS, SEED, type Case } from "./cases";
import { browserHeaders, type BadInputProbe, type BrowserLogin, type Context } from "./probe";
import { enrolmentMessage, generateKeyPair, sm2Sign } from "../../../backend/src/modules/documents";

/** The password of the people the suite signs in. */
export const PERSON_PASSWORD = "bad-input passphrase";

export interface World {
  operatorKey: string;
  /** Supplier A (a seed supplier of core A): the caller of most contexts. */
  A: { orgId: string; uscc: string; adminKey: string; memberUserId: string; spareKeyId: string; revokedKey: string; disabledKey: string; keyPrefix: string };
  /** Bank B: another tenant. */
  B: { orgId: string; keyId: string };
  pending: [string, string];
  active: [string, string];
  suspended: [string, string];
  suspendedKey: string;
  operationId: string;
  /** Bank B's onboarding: an operation that does not concern supplier A. */
  foreignOperationId: string;
  maxOperationId: bigint;
  /** The business world (see buildWorld) and the targets each state-changing context uses. */
  biz: BusinessWorld;
  /** Pending certificates of supplier A: confirm, typed data, reject, reject (hostile text), cancel. */
  P: string[];
  /** Confirmed certificates of supplier A: split, transfer, request financing, and with requests R[3..7] (C[3] none). */
  C: string[];
  /** Certificates core A issued to supplier A, waiting for its acceptance: accept, refuse, refuse (hostile text), withdrawn by core A. */
  O: string[];
  /** Financing requests on C[3] (no quote yet), C[4] (bank A's open quote), C[5] and C[6] (bank B's open quotes), C[7] (cancelled by the control). */
  R: string[];
  /** Q[0]: bank A's on R[1] (withdrawn by the control); Q[1]: bank B's on R[2] (terms); Q[2]: bank B's on R[3] (accepted by the control). */
  Q: string[];
  /** Supplier A's delivered test delivery, and its second subscription (deleted by the control). */
  deliveryId: string;
  subscriptionToDelete: string;
  /** People and their browser sessions, invitations and four-eyes drafts. */
  people: {
    /** Supplier A's clerk who signs in (the sign-in control). */
    signIn: BrowserLogin;
    /** An email nobody signs in with: hostile passwords are tried on it, so they never throttle `signIn`. */
    stranger: string;
    /** A session the sign-out control ends. */
    signOut: BrowserLogin;
    /** The password change control's session, and the hostile-text requests' own. */
    password: BrowserLogin;
    passwordHostile: BrowserLogin;
    /** A supplier A approver's session, left open: the session cases of every endpoint use it. */
    anyone: BrowserLogin;
    /** A session signed out already. */
    ended: BrowserLogin;
    /** Invitations to supplier A, not accepted yet: the acceptance control's and the hostile-text requests'. */
    token: string;
    hostileToken: string;
    /** A supplier A user whose duty the control changes. */
    dutyUserId: string;
    /** Bank B's admin: another tenant's user. */
    foreignUserId: string;
    /** Supplier A's drafts (by its drafter, not the admin who decides them): read, approved by the control, rejected by the control, rejected with hostile text, withdrawn by the drafter. */
    drafts: [string, string, string, string, string];
    /** The drafter's API key (it withdraws its draft). */
    drafterKey: string;
    /** Bank B's pending draft. */
    foreignDraft: string;
  };
  /** A notification of supplier A's admin (the usual caller), and one of bank B's admin (another person's). */
  notifications: { A: string; B: string };
  /** Signed documents (documents.probes.ts). */
  docs: DocumentsWorld;
}

export interface DocumentsWorld {
  /** The certificate document of supplier A's A1 (core A confirmed it), made and rendered: read, downloaded, verified. */
  read: { id: string; fingerprint: string; receivableChainId: string; subject: string };
  /** Its signed copy, base64: the body of POST /v1/verify. */
  signedCopy: string;
  /** The certificate document of C[7], which core A's admin signs for "confirm" in the control, and that signature (certificate `serials[0]`). */
  toSign: string;
  signature: string;
  /** Supplier B's B1 certificate document: another tenant's. */
  foreign: string;
  /** Quotes whose agreement is made already (a first read makes it): bank B's Q[1] to supplier A, and bank B's on supplier B's B2 (another tenant's). */
  agreement: string;
  foreignAgreement: string;
  /** Core A's admin's signing certificates: the control's signing one, one the revocation control revokes, one hostile text revokes. */
  serials: [string, string, string];
  /** Core A's admin (the enrolment proofs name the person). */
  signerId: string;
}

/**
 * What the documents' contexts need, made through the API the way an organization's system does
 * it (e2e: documents.e2e.test.ts). Core A signs: it is no party to an agreement, so its certificates
 * change no acceptance the other controls make (a supplier or a bank that signs documents must sign
 * an agreement before its quote is accepted). Every document read here is made now, so that no
 * probe makes one.
 */
async function documentsWorld(stack: Stack, biz: BusinessWorld, toSign: string, quote: string): Promise<DocumentsWorld> {
  const { supplierA: a, supplierB: sb, coreA } = biz.m;
  const must = async (what: string, p: Promise<{ status: number; body: any }>, status = 200) => {
    const r = await p;
    if (r.status !== status) throw new Error(`documents world, ${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const certificateDoc = (receivableId: string) =>
    eventually(async () => ((await stack.ds.query(`SELECT id::text FROM documents WHERE kind = 'certificate' AND receivable_id = $1`, [receivableId])) as { id: string }[])[0]?.id, 30_000, `the certificate document of ${receivableId}`);
  const [readId, signId, foreign] = await Promise.all([certificateDoc(biz.r.A1), certificateDoc(toSign), certificateDoc(biz.r.B1)]);
  const keys = [generateKeyPair(), generateKeyPair(), generateKeyPair()];
  const serials: string[] = [];
  for (const k of keys) {
    const proof = sm2Sign(k.privateKey, enrolmentMessage({ personId: coreA.userId, publicKey: k.publicKey }));
    serials.push((await must("enrol", stack.api.post("/v1/signing/certificates", { publicKey: k.publicKey, proof }, { key: coreA.key }), 201)).serial);
  }
  const read = await must("read", stack.api.get(`/v1/documents/${readId}`, { key: a.key }));
  await must("read foreign", stack.api.get(`/v1/documents/${foreign}`, { key: sb.key }));
  const message = (await must("to sign", stack.api.get(`/v1/documents/${signId}`, { key: coreA.key }))).signers.find((s: { act: string }) => s.act === "confirm").message as string;
  await must("agreement", stack.api.get(`/v1/quotes/${quote}/agreement`, { key: a.key }));
  await must("foreign agreement", stack.api.get(`/v1/quotes/${biz.quotes.B2bankB}/agreement`, { key: sb.key }));
  // supplier A's acceptance of B2bankA (financing's foreign id) would make this agreement before it is refused (a known bug,
  // tenant-isolation's acceptance probe): made now, so that refused requests are judged on what they write themselves
  await must("foreign agreement", stack.api.get(`/v1/quotes/${biz.quotes.B2bankA}/agreement`, { key: sb.key }));
  const pdf = await fetch(`${stack.api.baseUrl}/v1/documents/${readId}/pdf?signed=true`, { headers: bearer(a.key) });
  if (pdf.status !== 200) throw new Error(`documents world, signed copy: ${pdf.status}`);
  return {
    read: { id: readId, fingerprint: read.fingerprint, receivableChainId: read.receivableId, subject: read.subject },
    signedCopy: Buffer.from(await pdf.arrayBuffer()).toString("base64"),
    toSign: signId,
    signature: sm2Sign(keys[0].privateKey, message),
    foreign,
    agreement: quote,
    foreignAgreement: biz.quotes.B2bankB,
    serials: serials as [string, string, string],
    signerId: coreA.userId,
  };
}

/**
 * The stack, the world every context draws its ids from (supplier A the usual caller, bank B
 * another tenant, targets of their own for the requests that succeed), the endpoints of
 * /openapi.json, and a tally of what ran.
 */
export class BadInput {
  stack!: Stack;
  writes!: WriteProbe;
  w!: World;
  ops!: Map<string, Operation>;
  bodyLimit!: number;
  /** What ran: per category, requests, endpoints, kinds of mistake and documented fields at fault. */
  private readonly tally: Record<string, { requests: number; endpoints: Set<string>; kinds: Set<string>; fields: Set<string> }> = {};
  private readonly contexts: Map<string, (b: BadInput) => Context>;

  /** `probes`: every module's, in the order of the tables (which endpoint gets which of the cases sent in turn). */
  constructor(probes: BadInputProbe[]) {
    this.contexts = new Map(probes.map((p) => [p.endpoint, p.context]));
  }

  /** The endpoints with a context, in the order of the tables. */
  get endpoints(): string[] {
    return [...this.contexts.keys()];
  }

  /** A fresh context for endpoint `key`. */
  context = (key: string): Context => this.contexts.get(key)!(this);

  get = (path: string, key: string) => rawRequest(this.stack.apiPort, { method: "GET", path, headers: bearer(key) });

  operation = (key: string) => {
    const o = this.ops.get(key);
    if (!o) throw new Error(`${key} is not in /openapi.json any more: remove its context`);
    return o;
  };

  /** Endpoints with a context (the others fail the coverage test). */
  covered = () => [...this.ops.values()].filter((o) => this.contexts.has(o.key));

  /** Tallies what was sent (summed up when the suite ends). */
  count = (category: string, endpoint: string, cases: Pick<Case, "kind" | "field">[]) => {
    const t = (this.tally[category] ??= { requests: 0, endpoints: new Set(), kinds: new Set(), fields: new Set() });
    t.requests += cases.length;
    t.endpoints.add(endpoint);
    for (const c of cases) {
      t.kinds.add(c.kind);
      if (c.field && !["unknown field", "body where none belongs"].includes(c.kind)) t.fields.add(`${endpoint} ${c.field}`);
    }
  };

  async start() {
    const stack = (this.stack = await Stack.start({ env: WORLD_ENV }));
    this.writes = new WriteProbe(stack);
    this.ops = new Map(listOperations(await fetchOpenApi(stack)).map((o) => [o.key, o]));
    const limit = /^(\d+)(kb|mb)$/.exec(stack.config.REQUEST_BODY_LIMIT)!;
    this.bodyLimit = Number(limit[1]) * (limit[2] === "kb" ? 1024 : 1024 * 1024);
    const op = { key: stack.operatorKey };

    // the business world: supplier A (the usual caller) with certificates in every state, bank B as another tenant
    const [biz, act1, act2, s1, s2] = await Promise.all([
      buildWorld(stack, { extraMembers: { bankC: ["bank"] }, pendingA: 5, confirmedA: 8, freeInvoicesA: 3, offersToA: 4, moreSubscriptions: { supplierA: [["recourse.claimed"]] } }),
      stack.onboard(["core_enterprise"]),
      stack.onboard(["core_enterprise"]),
      stack.onboard(["core_enterprise"]),
      stack.onboard(["core_enterprise"]),
    ]);
    const a = biz.m.supplierA;
    const b = biz.m.bankB;
    for (const s of [s1, s2]) {
      const r = await stack.api.post(`/v1/organizations/${s.orgId}/suspension`, { reason: "bad-input target" }, op);
      if (r.status !== 202) throw new Error(`suspend: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const pending = await Promise.all(
      [1, 2].map(async (i) => {
        const r = await stack.api.post("/v1/organizations", { legalName: `Pending ${i}`, unifiedSocialCreditCode: randomUscc(), roles: ["supplier"], enterpriseSize: "small" }, op);
        return r.body.id as string;
      }),
    );
    const ak = { key: a.key };
    const member = await stack.api.post(`/v1/organizations/${a.orgId}/users`, { email: "member@a.example", name: "Member", role: "member" }, ak);
    const spare = await stack.api.post("/v1/api-keys", { label: "spare", userId: member.body.id }, ak);
    const revoked = await stack.api.post("/v1/api-keys", { label: "revoked" }, ak);
    await stack.api.delete(`/v1/api-keys/${revoked.body.id}`, ak);
    const gone = await stack.api.post(`/v1/organizations/${a.orgId}/users`, { email: "gone@a.example", name: "Gone", role: "admin" }, ak);
    const goneKey = await stack.api.post("/v1/api-keys", { label: "gone", userId: gone.body.id }, ak);
    // the API has no endpoint to disable a user (yet): do what an operator would in the database
    await stack.ds.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [gone.body.id]);
    const bKeys = (await stack.api.get("/v1/api-keys", { key: b.key })).body.items as { id: string }[];
    const onboardingOf = async (orgId: string) =>
      ((await stack.ds.query(`SELECT id::text AS id FROM outbox WHERE aggregate_id = $1 AND organization_id = $2 ORDER BY id LIMIT 1`, [orgId, stack.operatorOrgId])) as { id: string }[])[0].id;

    // the marketplace targets of the controls: requests on C[3..6], quotes on three of them
    const must = async (what: string, p: Promise<{ status: number; body: any }>, status: number) => {
      const r = await p;
      if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const C = biz.r.confirmedA;
    const R: string[] = [];
    for (const id of C.slice(3, 8)) R.push((await must("request", stack.api.post("/v1/financing-requests", { receivableId: id }, ak), 201)).id);
    const validUntil = new Date(Date.now() + 86_400_000).toISOString();
    const quote = async (req: string, bank: { key: string }) =>
      (await must("quote", stack.api.post(`/v1/financing-requests/${req}/quotes`, { advanceRateBp: 9000, annualRateBp: 435, dayCount: 360, fee: "1000", validUntil }, { key: bank.key }), 201)).id as string;
    const Q = [await quote(R[1], biz.m.bankA), await quote(R[2], biz.m.bankB), await quote(R[3], biz.m.bankB)];

    // people: invited by supplier A's admin, each accepting with a password in a browser of their own
    const invite = async (duty: string) =>
      (await must("invite", stack.api.post(`/v1/organizations/${a.orgId}/invitations`, { email: `${duty}-${randomBytes(4).toString("hex")}@people.a.example`, name: `${duty} person`, duty, role: "member" }, ak), 201)) as { token: string; email: string };
    const accept = async (duty: string): Promise<BrowserLogin> => {
      const { token, email } = await invite(duty);
      const r = await rawRequest(stack.apiPort, { method: "POST", path: "/v1/invitations/acceptance", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, password: PERSON_PASSWORD }) });
      if (r.status !== 201) throw new Error(`accept: ${r.status} ${r.text}`);
      const cookies = new Map(([] as string[]).concat(r.headers["set-cookie"] ?? []).map((c) => c.split(";")[0].split("=") as [string, string]));
      return { userId: r.body.user.id, email, password: PERSON_PASSWORD, session: cookies.get("cf_session")!, csrf: cookies.get("cf_csrf")! };
    };
    const [signIn, signOut, password, passwordHostile, anyone, ended, invited, hostileInvited] = await Promise.all([
      accept("clerk"),
      accept("viewer"),
      accept("clerk"),
      accept("clerk"),
      accept("approver"),
      accept("viewer"),
      invite("clerk"),
      invite("approver"),
    ]);
    const out = await rawRequest(stack.apiPort, { method: "DELETE", path: "/v1/sessions/current", headers: browserHeaders(ended) });
    if (out.status !== 204) throw new Error(`sign out: ${out.status} ${out.text}`);
    const dutyUser = await must("duty user", stack.api.post(`/v1/organizations/${a.orgId}/users`, { email: "duty@a.example", name: "Duty", role: "member" }, ak), 201);
    // the drafter: an approver of supplier A other than its admin, who decides the drafts
    const drafter = await must("drafter", stack.api.post(`/v1/organizations/${a.orgId}/users`, { email: "drafter@a.example", name: "Drafter", role: "member" }, ak), 201);
    const drafterKey = (await must("drafter's key", stack.api.post("/v1/api-keys", { label: "drafter", userId: drafter.id }, ak), 201)).key as string;
    const draft = async (key: string, path: string) => (await must("draft", stack.api.post("/v1/drafts", { method: "post", path, body: { amount: "100" } }, { key }), 201)).id as string;
    const drafts: string[] = [];
    for (let i = 0; i < 5; i++) drafts.push(await draft(drafterKey, "/v1/settlement/repayment-authorization"));
    const docs = await documentsWorld(stack, biz, C[7], Q[1]);
    const people = {
      signIn,
      stranger: `nobody-${randomBytes(4).toString("hex")}@people.a.example`,
      signOut,
      password,
      passwordHostile,
      anyone,
      ended,
      token: invited.token,
      hostileToken: hostileInvited.token,
      dutyUserId: dutyUser.id as string,
      foreignUserId: b.userId,
      drafts: drafts as [string, string, string, string, string],
      drafterKey,
      foreignDraft: await draft(b.key, "/v1/settlement/withdrawals"),
    };

    this.w = {
      operatorKey: stack.operatorKey,
      A: {
        orgId: a.orgId,
        uscc: a.uscc,
        adminKey: a.key,
        memberUserId: member.body.id,
        spareKeyId: spare.body.id,
        revokedKey: revoked.body.key,
        disabledKey: goneKey.body.key,
        keyPrefix: a.key.slice(3, 15),
      },
      B: { orgId: b.orgId, keyId: bKeys[0].id },
      pending: pending as [string, string],
      active: [act1.orgId, act2.orgId],
      suspended: [s1.orgId, s2.orgId],
      suspendedKey: s1.key,
      operationId: await onboardingOf(a.orgId),
      foreignOperationId: await onboardingOf(b.orgId),
      maxOperationId: 0n,
      biz,
      P: biz.r.pendingA,
      C,
      O: biz.r.offeredA,
      R,
      Q,
      deliveryId: biz.hooks.supplierA.delivery,
      subscriptionToDelete: biz.hooks.supplierA.more[0],
      people,
      notifications: { A: "", B: "" }, // read once the world is settled (below)
      docs,
    };
    for (const s of [s1, s2]) {
      await eventually(async () => (await stack.api.get(`/v1/organizations/${s.orgId}`, op)).body.status === "suspended", 20_000, "suspension");
    }
    await settleWorld(stack);
    await settleOutbox(stack);
    this.w.maxOperationId = BigInt((await stack.ds.query(`SELECT max(id)::text AS max FROM outbox`))[0].max);
    const notificationOf = async (key: string) => {
      const [n] = await stack.ds.query(`SELECT n.id FROM notifications n JOIN api_keys k ON k.user_id = n.user_id WHERE k.prefix = $1 ORDER BY n.created_at LIMIT 1`, [key.slice(3, 15)]);
      if (!n) throw new Error("bad-input world: a caller without notifications");
      return n.id as string;
    };
    this.w.notifications = { A: await notificationOf(a.key), B: await notificationOf(b.key) };
    console.info(`bad-input world: ${JSON.stringify(biz.timings)}`);
  }

  async close() {
    const tally = this.tally;
    if (Object.keys(tally).length) {
      const total = Object.values(tally).reduce((x, t) => x + t.requests, 0);
      const lines = Object.entries(tally).map(
        ([k, t]) => `  ${k}: ${t.requests} requests, ${t.endpoints.size} endpoints, ${t.fields.size} endpoint fields, kinds: ${[...t.kinds].join(", ")}`,
      );
      console.info(`bad-input: ${total} requests (seed ${SEED}, BAD_INPUT_RUNS=${RUNS})\n${lines.join("\n")}`);
    }
    await this.writes?.close();
    await this.stack?.close();
    await this.w?.biz.receiver.close();
  }
}
