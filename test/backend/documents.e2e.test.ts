import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { JsonRpcProvider } from "ethers";
import { ReceivableLedger__factory } from "../../typechain-types";
import { Stack } from "./support/stack";
import { eventually, type Api } from "./support/http";
import { loadSeeds, type SeededOrganization } from "../../backend/src/ops/seed";
import { attachSignatures, enrolmentMessage, fingerprint, generateKeyPair, sm2Sign, splitSigned } from "../../backend/src/modules/documents";

/**
 * Signed documents on the real stack (docs/signed-documents.md): the systems of a core enterprise,
 * a supplier and a bank (API keys) enrol their own SM2 keys and sign on their side; the platform
 * makes each document from the ledger's facts, keeps the signatures, binds the fingerprints on the
 * ledger (the agreement in the funding's terms, certificates and notices by recordDocuments) and
 * verifies files, naming each reason a file fails. Forged, replayed and misdirected signatures are
 * refused and change nothing.
 */
const YUAN = 100n;
const CORE = "91500112MA8Q2595Y2"; // Yuchuan Automobile Group (cq-auto)
const SUPPLIER = "91500109MALJ2FN9Q6"; // Chongqing Zhonghe Automotive (sells to Yuchuan)

const chinaDay = (days: number) => new Date(Date.now() + days * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);

interface Signer {
  uscc: string;
  key: string;
  privateKey: string;
  serial: string;
}

describe("signed documents", () => {
  let stack: Stack;
  let api: Api;
  let orgs: Map<string, SeededOrganization>;
  let bank: SeededOrganization, otherBank: SeededOrganization;
  const as = (uscc: string) => ({ key: orgs.get(uscc)!.key });
  const idOf = (uscc: string) => orgs.get(uscc)!.id;
  const signers = new Map<string, Signer>();

  const mined = (operationId: string, key: string) =>
    eventually(async () => {
      const r = await api.get(`/v1/operations/${operationId}`, { key });
      if (r.body.status === "failed") throw new Error(`operation ${operationId} failed: ${JSON.stringify(r.body.error)}`);
      return r.body.status === "mined" ? r.body : null;
    }, 30_000, `operation ${operationId}`);
  const receivable = (id: string, key: string, status: string) =>
    eventually(async () => {
      const r = await api.get(`/v1/receivables/${id}`, { key });
      return r.body.status === status ? r.body : null;
    }, 60_000, `receivable ${id} to be ${status}`);
  /** An organization's system makes its key pair on its side and enrols the public key. */
  const enrol = async (uscc: string, key = orgs.get(uscc)!.key): Promise<Signer> => {
    const me = (await api.get("/v1/me", { key })).body;
    const pair = generateKeyPair();
    const r = await api.post("/v1/signing/certificates", { publicKey: pair.publicKey, proof: sm2Sign(pair.privateKey, enrolmentMessage({ personId: me.user.id, publicKey: pair.publicKey })) }, { key });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { uscc, key, privateKey: pair.privateKey, serial: r.body.serial };
  };
  const sign = async (s: Signer, documentId: string, act: string) => {
    const doc = (await api.get(`/v1/documents/${documentId}`, { key: s.key })).body;
    const message = doc.signers.find((x: { act: string }) => x.act === act)?.message;
    return api.post(`/v1/documents/${documentId}/signatures`, { act, certificate: s.serial, signature: sm2Sign(s.privateKey, message) }, { key: s.key });
  };
  const documentsOf = async (chainId: string, key: string) => (await api.get(`/v1/documents?receivable=${chainId}`, { key })).body.items as { id: string; kind: string; occasion: string; fingerprint: string | null }[];
  const pdf = async (id: string, key: string, signed = false) => {
    const r = await fetch(`${api.baseUrl}/v1/documents/${id}/pdf${signed ? "?signed=true" : ""}`, { headers: { authorization: `Bearer ${key}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("application/pdf");
    return Buffer.from(await r.arrayBuffer());
  };
  const verify = async (file: Uint8Array) => {
    const r = await api.post("/v1/verify", { content: Buffer.from(file).toString("base64") }, {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };

  let certs: { id: string; chainId: string }[];

  beforeAll(async () => {
    stack = await Stack.start({ env: { KEEPER_INTERVAL_MS: "300", KEEPER_RETRY_MS: "500" } });
    api = stack.api;
    const seeded = await loadSeeds({
      baseUrl: api.baseUrl,
      operatorKey: stack.operatorKey,
      subset: { scenarios: ["cq-auto"], suppliers: [SUPPLIER], invoices: (inv) => !inv.expected, invoicesPerSupplier: 3 },
      waitForVerificationMs: 60_000,
      activeTimeoutMs: 60_000,
    });
    orgs = new Map(seeded.organizations.map((o) => [o.uscc, o]));
    [bank, otherBank] = [...orgs.values()].filter((o) => o.roles.includes("bank"));
    const issuer = [...orgs.values()].find((o) => o.roles.includes("settlement_issuer"))!;
    await mined((await api.post("/v1/settlement/deposits", { organizationId: bank.id, amount: (1_000_000_000n * YUAN).toString() }, { key: issuer.key })).body.id, issuer.key);
    const line = await api.post("/v1/credit-lines", { obligorId: idOf(CORE), limit: (500_000_000n * YUAN).toString(), validFrom: chinaDay(0), validUntil: chinaDay(365) }, { key: bank.key });
    await mined(line.body.operation.id, bank.key);
    const invoices = (await api.get("/v1/invoices?status=verified&limit=100", as(SUPPLIER))).body.items.filter((i: { receivableId: string | null; buyerTaxId: string }) => !i.receivableId && i.buyerTaxId === CORE);
    const registered = await api.post("/v1/receivables", { items: [60, 90].map((days, i) => ({ obligorId: idOf(CORE), invoiceIds: [invoices[i].id], maturityDate: chinaDay(days) })) }, as(SUPPLIER));
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    const ids: string[] = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
    for (const id of ids) await receivable(id, as(SUPPLIER).key, "pending");
    await api.post("/v1/receivables/confirmations", { receivableIds: ids }, as(CORE));
    certs = [];
    for (const id of ids) certs.push({ id, chainId: (await receivable(id, as(SUPPLIER).key, "confirmed")).certificateId });
    for (const uscc of [CORE, SUPPLIER, bank.uscc]) signers.set(uscc, await enrol(uscc));
  }, 300_000);
  afterAll(async () => stack?.close());

  it("makes the certificate document at confirmation, the same bytes every time, for its parties only", async () => {
    const doc = await eventually(async () => (await documentsOf(certs[0].chainId, as(CORE).key)).find((d) => d.kind === "certificate"), 30_000, "certificate document");
    expect(doc.occasion).toBe("confirm");
    const a = await pdf(doc.id, as(CORE).key);
    const b = await pdf(doc.id, as(SUPPLIER).key);
    expect(a.subarray(0, 5).toString()).toBe("%PDF-");
    expect(a.equals(b)).toBe(true);
    const view = (await api.get(`/v1/documents/${doc.id}`, as(CORE))).body;
    expect(view.fingerprint).toBe(fingerprint(a));
    expect(view.parties.map((p: { uscc: string }) => p.uscc)).toEqual([CORE, SUPPLIER]);
    // a bank with nothing to do with it, and any other member, reads nothing
    expect((await api.get(`/v1/documents/${doc.id}`, { key: otherBank.key })).status).toBe(404);
    expect((await fetch(`${api.baseUrl}/v1/documents/${doc.id}/pdf`, { headers: { authorization: `Bearer ${otherBank.key}` } })).status).toBe(404);
    expect((await documentsOf(certs[0].chainId, otherBank.key)).length).toBe(0);
  });

  it("records the obligor's signature of the certificate on the ledger; the signed copy verifies, a changed byte does not", async () => {
    const doc = (await documentsOf(certs[0].chainId, as(CORE).key)).find((d) => d.kind === "certificate")!;
    // the supplier is no signer of a confirmation
    expect((await sign(signers.get(SUPPLIER)!, doc.id, "confirm")).status).toBe(403);
    const signed = await sign(signers.get(CORE)!, doc.id, "confirm");
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    await mined(signed.body.operationId, as(CORE).key);
    const ledger = ReceivableLedger__factory.connect(stack.deployment.ledger, new JsonRpcProvider(stack.env.LEDGER_RPC_URL));
    const onChain = await ledger.queryFilter(ledger.filters.DocumentRecorded(BigInt(certs[0].chainId)), 0, "latest");
    expect(onChain.map((e) => [e.args.fingerprint.toLowerCase(), Number(e.args.kind)])).toEqual([[signed.body.document.fingerprint, 1]]);

    const file = await pdf(doc.id, as(SUPPLIER).key, true);
    const report = await eventually(async () => {
      const r = await verify(file);
      return r.onLedger ? r : null;
    }, 30_000, "the record to be indexed");
    expect(report.verdict).toBe("valid");
    expect(report.signatures).toEqual([
      expect.objectContaining({ act: "confirm", signatureValid: true, certificateValid: true, problems: [], signer: expect.objectContaining({ uscc: CORE, serial: signers.get(CORE)!.serial }) }),
    ]);
    // the replay of the same signature changes nothing
    expect((await sign(signers.get(CORE)!, doc.id, "confirm")).status).toBe(409);

    const { document } = splitSigned(file);
    const changed = Buffer.from(file);
    changed[Math.floor(document.length / 2)] ^= 1;
    const bad = await verify(changed);
    expect(bad.verdict).toBe("invalid");
    expect(bad.problems.map((p: { code: string }) => p.code)).toEqual(["CHANGED"]);
    expect(bad.problems[0].message).toContain(certs[0].chainId);
  });

  it("refuses forged, misdirected and malformed signatures with a reason, writing nothing", async () => {
    const [c0, c1] = await Promise.all(certs.map(async (c) => (await documentsOf(c.chainId, as(CORE).key)).find((d) => d.kind === "certificate")!));
    const core = signers.get(CORE)!;
    const other = (await api.get(`/v1/documents/${c0.id}`, as(CORE))).body.signers[0].message as string;
    // a signature over another document's message
    const forged = await api.post(`/v1/documents/${c1.id}/signatures`, { act: "confirm", certificate: core.serial, signature: sm2Sign(core.privateKey, other) }, as(CORE));
    expect([forged.status, forged.body.code]).toEqual([422, "SIGNATURE.INVALID"]);
    // another organization's certificate
    const bankCert = await api.post(`/v1/documents/${c1.id}/signatures`, { act: "confirm", certificate: signers.get(bank.uscc)!.serial, signature: "3044" + "00".repeat(68) }, as(CORE));
    expect([bankCert.status, bankCert.body.code]).toEqual([422, "SIGNATURE.UNKNOWN_CERTIFICATE"]);
    // an act the document does not have; junk in place of a signature
    expect((await api.post(`/v1/documents/${c1.id}/signatures`, { act: "acknowledge", certificate: core.serial, signature: "3044" + "00".repeat(68) }, as(CORE))).body.code).toBe("DOCUMENT.WRONG_ACT");
    const junk = await api.post(`/v1/documents/${c1.id}/signatures`, { act: "confirm", certificate: core.serial, signature: "zz" }, as(CORE));
    expect(junk.status).toBe(422);
    const view = (await api.get(`/v1/documents/${c1.id}`, as(CORE))).body;
    expect(view.signatures).toEqual([]);
    // an enrolment with another key's proof of possession
    const me = (await api.get("/v1/me", as(CORE))).body;
    const [k1, k2] = [generateKeyPair(), generateKeyPair()];
    const refused = await api.post("/v1/signing/certificates", { publicKey: k1.publicKey, proof: sm2Sign(k2.privateKey, enrolmentMessage({ personId: me.user.id, publicKey: k1.publicKey })) }, as(CORE));
    expect([refused.status, refused.body.code]).toEqual([422, "SIGNING.ENROLMENT_REFUSED"]);
  });

  it("binds the signed agreement in the funding; the obligor acknowledges the notice; the bank sees which notices wait", async () => {
    const s = signers.get(SUPPLIER)!;
    const b = signers.get(bank.uscc)!;
    const req = await api.post("/v1/financing-requests", { receivableId: certs[1].id }, as(SUPPLIER));
    const quote = await api.post(`/v1/financing-requests/${req.body.id}/quotes`, { advanceRateBp: 9000, annualRateBp: 400, dayCount: 360, fee: "1000", validUntil: new Date(Date.now() + 3600_000).toISOString() }, { key: bank.key });
    expect(quote.status, JSON.stringify(quote.body)).toBe(201);
    const agreement = (await api.get(`/v1/quotes/${quote.body.id}/agreement`, as(SUPPLIER))).body;
    expect(agreement.kind).toBe("agreement");
    expect((await api.get(`/v1/quotes/${quote.body.id}/agreement`, { key: otherBank.key })).status).toBe(404);
    // both sign documents now: the bank's signature first, then the supplier's, before acceptance
    const early = await api.post(`/v1/quotes/${quote.body.id}/acceptance`, {}, as(SUPPLIER));
    expect([early.status, early.body.code, early.body.act]).toEqual([409, "DOCUMENT.UNSIGNED", "quote"]);
    expect((await sign(b, agreement.id, "quote")).status).toBe(201);
    expect((await api.post(`/v1/quotes/${quote.body.id}/acceptance`, {}, as(SUPPLIER))).body.act).toBe("accept");
    expect((await sign(s, agreement.id, "accept")).status).toBe(201);
    const accepted = await api.post(`/v1/quotes/${quote.body.id}/acceptance`, {}, as(SUPPLIER));
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    await eventually(async () => (await api.get(`/v1/financings/${accepted.body.id}`, as(SUPPLIER))).body.status === "funded", 60_000, "funding");

    const ledger = ReceivableLedger__factory.connect(stack.deployment.ledger, new JsonRpcProvider(stack.env.LEDGER_RPC_URL));
    const [financed] = await ledger.queryFilter(ledger.filters.ReceivableFinanced(BigInt(certs[1].chainId)), 0, "latest");
    expect(financed.args.agreement.toLowerCase()).toBe(agreement.fingerprint);
    const agreementReport = await eventually(async () => {
      const r = await verify(await pdf(agreement.id, bank.key, true));
      return r.onLedger ? r : null;
    }, 30_000, "the funding to be indexed");
    expect(agreementReport.verdict).toBe("valid");
    expect(agreementReport.signatures.map((x: { act: string; signer: { uscc: string } }) => [x.act, x.signer.uscc])).toEqual([["quote", bank.uscc], ["accept", SUPPLIER]]);

    // the notice of assignment waits for the obligor's acknowledgment, which the bank sees
    const waiting = await eventually(async () => (await api.get("/v1/documents?kind=notice&awaiting=acknowledge", { key: bank.key })).body.items.find((d: { receivableId: string }) => d.receivableId === certs[1].chainId), 30_000, "notice");
    expect(waiting.parties.map((p: { uscc: string }) => p.uscc)).toEqual([CORE, SUPPLIER, bank.uscc]);
    const before = await verify(await pdf(waiting.id, bank.key, true));
    expect(before.verdict).toBe("pending");
    expect(before.awaiting).toEqual([expect.objectContaining({ act: "acknowledge", role: "obligor" })]);
    // only the obligor acknowledges
    expect((await sign(b, waiting.id, "acknowledge")).status).toBe(403);
    const ack = await sign(signers.get(CORE)!, waiting.id, "acknowledge");
    expect(ack.status, JSON.stringify(ack.body)).toBe(201);
    await mined(ack.body.operationId, as(CORE).key);
    expect((await api.get("/v1/documents?kind=notice&awaiting=acknowledge", { key: bank.key })).body.items.map((d: { id: string }) => d.id)).not.toContain(waiting.id);
    const after = await eventually(async () => {
      const r = await verify(await pdf(waiting.id, as(CORE).key, true));
      return r.verdict === "valid" ? r : null;
    }, 30_000, "the acknowledgment to be indexed");
    expect(after.signatures[0]).toMatchObject({ act: "acknowledge", signer: { uscc: CORE } });
  });

  it("npm run verify checks a file against the ledger itself: the signed agreement is valid, a changed byte is named", async () => {
    const agreement = (await api.get(`/v1/documents?kind=agreement&receivable=${certs[1].chainId}`, as(SUPPLIER))).body.items[0];
    const dir = mkdtempSync(join(tmpdir(), "cf-verify-"));
    const good = join(dir, "agreement.pdf");
    writeFileSync(good, await pdf(agreement.id, as(SUPPLIER).key, true));
    const { document, signatures } = splitSigned(readFileSync(good));
    const changed = Buffer.from(document);
    changed[100] ^= 1;
    const bad = join(dir, "agreement-changed.pdf");
    writeFileSync(bad, attachSignatures(changed, signatures ?? []));
    // in a child process, as a person runs it (the platform answers from this one meanwhile)
    const run = (file: string) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/verify.ts", file, "--api", api.baseUrl, "--rpc", stack.env.LEDGER_RPC_URL], { encoding: "utf8" }, (e, stdout, stderr) =>
          resolve({ status: e ? ((e as { code?: number }).code ?? null) : 0, stdout, stderr }),
        ),
      );
    const ok = await run(good);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`on the ledger: yes`);
    expect(ok.stdout).toMatch(/signature for "quote" \(bank\) by .* signature valid, certificate valid when it signed/);
    expect(ok.stdout).toContain("有效 VALID");
    const no = await run(bad);
    expect(no.status, no.stdout + no.stderr).toBe(1);
    expect(no.stdout).toContain("CHANGED");
  });

  it("lets a person revoke its own certificate and an admin a colleague's, and nobody else's", async () => {
    const colleague = await stack.fixtureUser(idOf(CORE), { role: "member", duty: "approver" });
    const theirs = await enrol(CORE, colleague.key);
    const mine = await enrol(CORE);
    // a member who is not an admin revokes only its own: the admin's certificate is as absent to it as a random serial
    const refused = await api.post(`/v1/signing/certificates/${mine.serial}/revocation`, { reason: "not mine" }, { key: colleague.key });
    expect(refused.status).toBe(404);
    expect((await api.get("/v1/signing/certificates", as(CORE))).body.items.find((c: { serial: string }) => c.serial === mine.serial).revokedAt).toBeNull();
    // another organization's admin revokes nothing of it
    expect((await api.post(`/v1/signing/certificates/${theirs.serial}/revocation`, { reason: "not ours" }, as(SUPPLIER))).status).toBe(404);
    // its organization's admin revokes a colleague's (a person who left), and the CA publishes it
    const revoked = await api.post(`/v1/signing/certificates/${theirs.serial}/revocation`, { reason: "left the company" }, as(CORE));
    expect([revoked.status, typeof revoked.body.revokedAt]).toEqual([200, "string"]);
    expect((await api.get("/v1/signing/ca", {})).body.revocations.map((r: { serial: string }) => r.serial)).toContain(theirs.serial);
    expect((await api.post(`/v1/signing/certificates/${mine.serial}/revocation`, { reason: "key lost" }, as(CORE))).status).toBe(200);
  });

  it("names a signature over another document, another organization's signer and a certificate revoked before signing", async () => {
    const [c0, c1] = await Promise.all(certs.map(async (c) => (await documentsOf(c.chainId, as(CORE).key)).find((d) => d.kind === "certificate")!));
    const signedC0 = splitSigned(await pdf(c0.id, as(CORE).key, true));
    const bareC1 = await pdf(c1.id, as(CORE).key);
    const entry = signedC0.signatures![0];

    // c0's signature carried onto c1
    const moved = await verify(attachSignatures(bareC1, [{ ...entry, document: fingerprint(signedC0.document) }]));
    expect(moved.verdict).toBe("invalid");
    expect(moved.signatures[0].problems.map((p: { code: string }) => p.code)).toEqual(["SIGNATURE_OTHER_DOCUMENT"]);

    // the supplier's person signs the obligor's act: a valid signature, by the wrong organization
    const view = (await api.get(`/v1/documents/${c1.id}`, as(CORE))).body;
    const message = view.signers[0].message as string;
    const s = signers.get(SUPPLIER)!;
    const supplierCert = (await api.get("/v1/signing/certificates", as(SUPPLIER))).body.items[0].certificate as string;
    const wrongOrg = await verify(attachSignatures(bareC1, [{ act: "confirm", role: "obligor", signedAt: new Date().toISOString(), certificate: supplierCert, signature: sm2Sign(s.privateKey, message) }]));
    expect(wrongOrg.signatures[0].problems.map((p: { code: string }) => p.code)).toEqual(["WRONG_ORGANIZATION"]);

    // a certificate revoked, then a signature dated after the revocation
    const late = await enrol(CORE);
    const lateCert = (await api.get("/v1/signing/certificates", as(CORE))).body.items.find((c: { serial: string }) => c.serial === late.serial).certificate as string;
    const revoked = await api.post(`/v1/signing/certificates/${late.serial}/revocation`, { reason: "key lost" }, as(CORE));
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    // the platform takes no signature under it
    expect((await sign(late, c1.id, "confirm")).body.code).toBe("SIGNATURE.CERTIFICATE_REVOKED");
    const afterRevocation = await verify(attachSignatures(bareC1, [{ act: "confirm", role: "obligor", signedAt: new Date(Date.now() + 1000).toISOString(), certificate: lateCert, signature: sm2Sign(late.privateKey, message) }]));
    expect(afterRevocation.signatures[0].problems.map((p: { code: string }) => p.code)).toEqual(["CERTIFICATE_REVOKED"]);
    expect(afterRevocation.signatures[0]).toMatchObject({ signatureValid: true, certificateValid: false });
  });
});
