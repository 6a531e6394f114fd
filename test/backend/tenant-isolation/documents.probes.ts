import { randomBytes, randomUUID } from "node:crypto";
import { expect } from "vitest";
import { signersOf } from "../../../backend/src/modules/documents/documents.service";
import { enrolmentMessage, generateKeyPair, sm2Sign } from "../../../backend/src/modules/documents";
import type { DocumentKind } from "../../../backend/src/modules/documents/signing/sm";
import type { Occasion } from "../../../backend/src/modules/documents/documents.repository";
import { rawRequest, type RawReply } from "../support/openapi-probe";
import { Findings, lists, reads, unchanged } from "./checks";
import { each, some, type ProbeTable, type Target, type TenantProbe } from "./probe";
import { hasRole, isReader, type Caller, type TenantName, type Tenants } from "./world";

interface Doc {
  id: string;
  kind: DocumentKind;
  occasion: Occasion;
  receivableId: string;
  parties: string[];
}

/** The documents as the database has them now (agreements are made as they are first read). */
const documentsNow = async (t: Tenants): Promise<Doc[]> =>
  t.stack.ds.query(`SELECT id::text, kind, occasion, receivable_id::text AS "receivableId", parties::text[] AS parties FROM documents ORDER BY created_at`);

/** A document is read by its parties (documents.parties), and auditors. */
const targetsOf = (t: Tenants, docs: Doc[]): Target[] =>
  docs.map((d) => ({ what: `the ${d.kind} document ${d.id} of ${d.parties.map(t.labelOf).join(", ")}`, id: d.id, gets: d.parties.map(t.labelOf) }));

/** The quotes: the agreement of each is its bank's and its supplier's. */
const quoteTargets = (t: Tenants): Target[] =>
  Object.entries(t.world.quotes).map(([name, id]) => ({
    what: `the agreement of quote ${name}`,
    id,
    gets: [name.startsWith("A") ? "supplierA" : "supplierB", name.endsWith("bankA") ? "bankA" : "bankB"] as TenantName[],
  }));

const SIGNING_ROLES = ["core_enterprise", "supplier", "bank"];
const serialPath = (serial: string) => `/v1/signing/certificates/${serial}/revocation`;
const randomSerial = () => randomBytes(8).toString("hex");

/** Signed documents: read by their parties only, signed for an act by the party it belongs to only; people's certificates are their own. */
const probes: TenantProbe[] = [
  {
    endpoint: "GET /v1/documents",
    run: async (t) => {
      const docs = await documentsNow(t);
      // the world made every kind: certificates confirmed, notices of its fundings, their agreements
      expect(new Set(docs.map((d) => d.kind))).toEqual(new Set(["certificate", "notice", "agreement"]));
      const expected = (c: Caller) => docs.filter((d) => isReader(c.party) || d.parties.includes(c.party.orgId)).map((d) => d.id).sort();
      await lists(t, "/v1/documents?limit=100", (c, r) => {
        const ids = (r.body.items as { id: string }[]).map((d) => d.id).sort();
        const want = expected(c);
        return [
          ...ids.filter((id) => !want.includes(id)).map((id) => `lists ${id}, whose parties are ${docs.find((d) => d.id === id)?.parties.map(t.labelOf).join(", ") ?? "unknown"}`),
          ...want.filter((id) => !ids.includes(id)).map((id) => `misses ${id}, a document it is party to`),
        ];
      });
      // filtered by supplier B's certificate: only the documents of it the caller is party to (an agreement of a bank that quoted)
      const [{ chain }] = await t.stack.ds.query(`SELECT chain_id::text AS chain FROM receivables WHERE id = $1`, [t.world.r.B1]);
      const ofB1 = docs.filter((d) => d.receivableId === t.world.r.B1);
      await lists(t, `/v1/documents?receivable=${chain}`, (c, r) => {
        const ids = (r.body.items as { id: string }[]).map((d) => d.id);
        const want = ofB1.filter((d) => isReader(c.party) || d.parties.includes(c.party.orgId)).map((d) => d.id);
        return [...ids.filter((id) => !want.includes(id)).map((id) => `lists ${id} of B1, no party to it`), ...want.filter((id) => !ids.includes(id)).map((id) => `misses ${id} of B1`)];
      });
    },
  },
  { endpoint: "GET /v1/documents/{id}", run: async (t) => reads(t, (id) => `/v1/documents/${id}`, targetsOf(t, await documentsNow(t)), { check: (_c, r, target) => r.body.id !== target.id && `answers ${r.body.id}` }) },
  {
    endpoint: "GET /v1/documents/{id}/pdf",
    run: async (t) => reads(t, (id) => `/v1/documents/${id}/pdf`, targetsOf(t, await documentsNow(t)), { check: (_c, r) => !r.contentType.startsWith("application/pdf") && `answers ${r.contentType}` }),
  },
  {
    endpoint: "POST /v1/documents/{id}/signatures",
    run: async (t) => {
      // each act signed with a valid signature of its message under the caller's own certificate: the
      // party the act belongs to would succeed (not probed); another party is refused; anyone else finds no document
      const { callers, call, signingKeys, stack } = t;
      const docs = await documentsNow(t);
      const f = new Findings(t);
      const signatures = async () => Number((await stack.ds.query(`SELECT count(*)::int AS n FROM document_signatures`))[0].n);
      const before = await signatures();
      const messages = new Map<string, Map<string, string>>();
      for (const d of docs) {
        const view = (await call("GET", `/v1/documents/${d.id}`, stack.operatorKey)).body as { signers: { act: string; message: string }[] };
        messages.set(d.id, new Map(view.signers.map((s) => [s.act, s.message])));
      }
      await unchanged(t, "sign", f, async () => {
        await each(callers, async (c) => {
          const key = signingKeys.get(c.person.userId);
          const body = (docId: string, act: string) => ({ act, certificate: key?.serial ?? "1000", signature: key ? sm2Sign(key.privateKey, messages.get(docId)?.get(act) ?? "nothing") : "30".repeat(36) });
          const random = randomUUID();
          const control = await call("POST", `/v1/documents/${random}/signatures`, c.person.key, body(random, "confirm"));
          const roleOk = hasRole(c.party, SIGNING_ROLES) && !isReader(c.party);
          if (roleOk && control.status !== 404) f.add(`${c.name} signs a random id`, `status ${control.status}: ${control.text.slice(0, 200)}`);
          const party = (d: Doc) => d.parties.includes(c.party.orgId);
          for (const d of [...docs.filter(party), ...some(`documents for ${c.name}`, docs.filter((x) => !party(x)))]) {
            for (const s of signersOf(d)) {
              if (d.parties[s.party] === c.party.orgId) continue;
              const what = `${c.name} signs ${d.kind} ${d.id} for "${s.act}" (the ${s.role}'s act)`;
              const r = await call("POST", `/v1/documents/${d.id}/signatures`, c.person.key, body(d.id, s.act));
              if (!roleOk) f.hidden(what, r, control, d.id, random, c.party, [403]);
              else if (party(d)) {
                f.refused(what, r, c.party, [d.id]);
                if (r.status !== 403 || r.body?.code !== "DOCUMENT.NOT_SIGNER") f.add(what, `answered ${r.status} ${r.body?.code}, expected 403 DOCUMENT.NOT_SIGNER`);
              } else f.hidden(what, r, control, d.id, random, c.party);
            }
          }
        });
      });
      const after = await signatures();
      if (after !== before) f.add("document_signatures", `${before} → ${after} rows`);
      f.done();
    },
  },
  {
    endpoint: "GET /v1/quotes/{id}/agreement",
    run: (t) => reads(t, (id) => `/v1/quotes/${id}/agreement`, quoteTargets(t), { check: (_c, r) => r.body.kind !== "agreement" && `answers a ${r.body.kind}` }),
  },
  {
    endpoint: "POST /v1/signing/certificates",
    run: async (t) => {
      // a key whose proof of possession names another tenant's person certifies nobody: refused, nothing written
      const { callers, call, tenants } = t;
      const f = new Findings(t);
      await unchanged(t, "enrol", f, async () => {
        await each(callers, async (c) => {
          const other = c.party.label === "supplierA" ? tenants.supplierB : tenants.supplierA;
          const k = generateKeyPair();
          const r = await call("POST", "/v1/signing/certificates", c.person.key, { publicKey: k.publicKey, proof: sm2Sign(k.privateKey, enrolmentMessage({ personId: other.admin.userId, publicKey: k.publicKey })) });
          const what = `${c.name} enrols a key for ${other.label}'s admin`;
          const expected = hasRole(c.party, SIGNING_ROLES) && !isReader(c.party) ? [422] : [403];
          if (!expected.includes(r.status)) f.add(what, `status ${r.status} (expected ${expected.join("/")}): ${r.text.slice(0, 200)}`);
          f.add(what, t.foreignData(r, c.party, [other.admin.userId]));
        });
      });
      f.done();
    },
  },
  {
    endpoint: "GET /v1/signing/certificates",
    run: async (t) => {
      const own = (c: Caller) => [...t.signingKeys.entries()].filter(([userId]) => userId === c.person.userId).map(([, k]) => k.serial);
      await lists(t, "/v1/signing/certificates", (c, r) => {
        const serials = (r.body.items as { serial: string }[]).map((x) => x.serial);
        return [...serials.filter((s) => !own(c).includes(s)).map((s) => `lists certificate ${s}, not its own`), ...own(c).filter((s) => !serials.includes(s)).map((s) => `misses its own certificate ${s}`)];
      });
      // asking for another tenant's person: nothing, as for a random id (an admin: an empty list; anyone else: 404)
      const f = new Findings(t);
      await each(t.callers, async (c) => {
        const other = (c.party.label === "supplierA" ? t.tenants.supplierB : t.tenants.supplierA).admin.userId;
        const random = randomUUID();
        const [r, control] = [await t.call("GET", `/v1/signing/certificates?person=${other}`, c.person.key), await t.call("GET", `/v1/signing/certificates?person=${random}`, c.person.key)];
        if (r.status === 200 && (r.body.items as unknown[]).length) f.add(`${c.name} lists another tenant's person's certificates`, `${(r.body.items as unknown[]).length} items`);
        if (r.status !== control.status) f.add(`${c.name} lists another tenant's person's certificates`, `status ${r.status}, ${control.status} for a random person`);
      });
      f.done();
    },
  },
  {
    endpoint: "POST /v1/signing/certificates/{serial}/revocation",
    run: async (t) => {
      // another person's certificate: revoked only by its holder or an admin of its organization; to anyone else it is absent
      const { callers, call, signingKeys, stack } = t;
      const f = new Findings(t);
      const revoked = async () => Number((await stack.ds.query(`SELECT count(*)::int AS n FROM signing_certificates WHERE revoked_at IS NOT NULL`))[0].n);
      const before = await revoked();
      await unchanged(t, "revoke", f, async () => {
        await each(callers, async (c) => {
          const random = randomSerial();
          const control = await call("POST", serialPath(random), c.person.key, { reason: "probe" });
          if (!isReader(c.party) && control.status !== 404) f.add(`${c.name} revokes a random serial`, `status ${control.status}: ${control.text.slice(0, 200)}`);
          const theirs = [...signingKeys.entries()].filter(([userId, k]) => userId !== c.person.userId && !(k.party === c.party.label && c.role === "admin"));
          for (const [userId, k] of [...theirs.filter(([, k]) => k.party === c.party.label), ...some(`certificates for ${c.name}`, theirs.filter(([, k]) => k.party !== c.party.label))]) {
            const r = await call("POST", serialPath(k.serial), c.person.key, { reason: "probe" });
            f.hidden(`${c.name} revokes ${k.party}'s ${userId === t.tenants[k.party].admin.userId ? "admin" : "member"}'s certificate ${k.serial}`, r, control, k.serial, random, c.party);
          }
        });
      });
      const after = await revoked();
      if (after !== before) f.add("signing_certificates", `${after - before} certificates revoked`);
      f.done();
    },
  },
  {
    endpoint: "GET /v1/signing/ca",
    run: async (t) => {
      // public: the CA's certificate and its revocation list carry no member's identifiers
      const r = await rawRequest(t.stack.apiPort, { method: "GET", path: "/v1/signing/ca", headers: {} });
      const f = new Findings(t);
      if (r.status !== 200) f.add("the CA", `status ${r.status}`);
      f.add("the CA", t.foreignData(r, t.operator));
      f.done();
    },
  },
  {
    endpoint: "POST /v1/verify",
    run: async (t) => {
      // public: a document's report names its parties and no one else
      const f = new Findings(t);
      for (const d of some("verify", await documentsNow(t), 4)) {
        const pdf = await fetch(`${t.stack.api.baseUrl}/v1/documents/${d.id}/pdf?signed=true`, { headers: { authorization: `Bearer ${t.stack.operatorKey}` } });
        const content = Buffer.from(await pdf.arrayBuffer()).toString("base64");
        const r = await rawRequest(t.stack.apiPort, { method: "POST", path: "/v1/verify", headers: { "content-type": "application/json" }, body: JSON.stringify({ content }) });
        if (r.status !== 200) f.add(`verify ${d.id}`, `status ${r.status}: ${r.text.slice(0, 200)}`);
        f.add(`verify ${d.id}`, beyondParties(t, r, d));
      }
      f.done();
    },
  },
  {
    endpoint: "POST /v1/verify/issued",
    run: async (t) => {
      // what was issued of a file is told to whoever holds the file, naming its parties only; a fingerprint alone (every
      // member reads them on the ledger) tells nothing
      const f = new Findings(t);
      for (const d of some("issued", await documentsNow(t), 4)) {
        const pdf = await fetch(`${t.stack.api.baseUrl}/v1/documents/${d.id}/pdf?signed=true`, { headers: { authorization: `Bearer ${t.stack.operatorKey}` } });
        const content = Buffer.from(await pdf.arrayBuffer()).toString("base64");
        const r = await rawRequest(t.stack.apiPort, { method: "POST", path: "/v1/verify/issued", headers: { "content-type": "application/json" }, body: JSON.stringify({ content }) });
        if (r.status !== 200 || r.body.document?.id !== d.id) f.add(`issued ${d.id}`, `status ${r.status}: ${r.text.slice(0, 200)}`);
        f.add(`issued ${d.id}`, beyondParties(t, r, d));
      }
      const junk = Buffer.from(`%PDF-1.4\n% not a document ${randomBytes(8).toString("hex")}\n%%EOF\n`).toString("base64");
      const none = await rawRequest(t.stack.apiPort, { method: "POST", path: "/v1/verify/issued", headers: { "content-type": "application/json" }, body: JSON.stringify({ content: junk }) });
      if (none.status !== 200 || none.body.document !== null || none.body.claimed !== null) f.add("a file nobody issued", `${none.status} ${none.text.slice(0, 200)}`);
      f.done();
    },
  },
  {
    endpoint: "GET /v1/verify/documents/{id}",
    run: async (t) => {
      // the QR code's id is the capability: its report names the document's parties only; a random id is 404 and makes nothing
      // (asked with bank C's key, a stranger to every document; without credentials in the rule below)
      const f = new Findings(t);
      const stranger = { authorization: `Bearer ${t.tenants.bankC.admin.key}` };
      for (const d of some("qr", await documentsNow(t), 4)) {
        const r = await rawRequest(t.stack.apiPort, { method: "GET", path: `/v1/verify/documents/${d.id}`, headers: stranger });
        if (r.status !== 200 || r.body.document?.id !== d.id) f.add(`report of ${d.id}`, `status ${r.status}: ${r.text.slice(0, 200)}`);
        f.add(`report of ${d.id}`, beyondParties(t, r, d));
      }
      await unchanged(t, "a random id's report", f, async () => {
        const r = await rawRequest(t.stack.apiPort, { method: "GET", path: `/v1/verify/documents/${randomUUID()}`, headers: stranger });
        if (r.status !== 404) f.add("a random id's report", `status ${r.status}`);
      });
      f.done();
    },
  },
  {
    rule: "the report a document's QR code links to needs no credentials (GET /v1/verify/documents/{id} is public)",
    run: async (t) => {
      const [d] = await documentsNow(t);
      const r = await rawRequest(t.stack.apiPort, { method: "GET", path: `/v1/verify/documents/${d.id}`, headers: {} });
      expect(r.status, r.text.slice(0, 300)).toBe(200);
      expect(r.body.document.id).toBe(d.id);
    },
  },
  {
    rule: "reading a quote's agreement one is no party to makes no document (404 as for a random id, nothing written)",
    run: async (t) => {
      const f = new Findings(t);
      const quote = t.world.quotes.B2bankA;
      // as before anyone read it: agreements are made on first ask
      await t.stack.ds.query(`DELETE FROM documents d WHERE kind = 'agreement' AND subject = $1 AND NOT EXISTS (SELECT 1 FROM document_signatures s WHERE s.document_id = d.id)`, [quote]);
      const outsiders = t.callers.filter((c) => ["supplierA", "coreA", "bankC"].includes(c.party.label));
      await unchanged(t, "outsiders read an agreement not made yet", f, async () => {
        await each(outsiders, async (c) => {
          const random = randomUUID();
          const control = await t.call("GET", `/v1/quotes/${random}/agreement`, c.person.key);
          f.hidden(`${c.name} reads the agreement of ${quote}`, await t.call("GET", `/v1/quotes/${quote}/agreement`, c.person.key), control, quote, random, c.party);
        });
      });
      f.done();
    },
  },
];

/** Identifiers of organizations that are no party to the document, in an answer about it. */
function beyondParties(t: Tenants, r: RawReply, d: Doc): string[] {
  const text = r.text.toLowerCase();
  return t
    .everyone()
    .filter((o) => !d.parties.includes(o.orgId))
    .flatMap((o) => o.secrets.filter((s) => text.includes(s.toLowerCase())).map((s) => `${o.label}'s ${s}`));
}

export const documents: ProbeTable = { tag: "Documents", probes };
