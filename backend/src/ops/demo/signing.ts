import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { enrolmentMessage, generateKeyPair, sm2Sign, splitSigned, attachSignatures, type VerificationReport } from "../../modules/documents";
import type { PersonSession } from "./session";

/** The demo's people's signing keys, made as the portal makes them at a person's first signature (here: kept in memory). */
const keys = new Map<string, { privateKey: string; serial: string }>();

/** The person signs a document for an act with its own SM2 key, enrolled with the consortium CA on first use. */
export async function signAs(person: PersonSession, documentId: string, act: string): Promise<void> {
  let key = keys.get(person.email);
  if (!key) {
    const me = await person.get("/v1/me");
    const pair = generateKeyPair();
    const cert = await person.post("/v1/signing/certificates", { publicKey: pair.publicKey, proof: sm2Sign(pair.privateKey, enrolmentMessage({ personId: me.user.id, publicKey: pair.publicKey })) });
    key = { privateKey: pair.privateKey, serial: cert.serial };
    keys.set(person.email, key);
  }
  const doc = await person.get(`/v1/documents/${documentId}`);
  const message = doc.signers.find((s: { act: string }) => s.act === act).message;
  await person.post(`/v1/documents/${documentId}/signatures`, { act, certificate: key.serial, signature: sm2Sign(key.privateKey, message) });
}

/** A document's signed copy as the person downloads it. */
export async function download(person: PersonSession, documentId: string): Promise<Buffer> {
  const res = await fetch(`${person.baseUrl}/v1/documents/${documentId}/pdf?signed=true`, { headers: person.headers() });
  if (!res.ok) throw new Error(`${person.email}: the signed copy of document ${documentId} → ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

const KIND = { certificate: "应收账款电子凭证", notice: "应收账款转让通知书", agreement: "融资协议" } as const;

/**
 * Writes the documents of a financing the demo's people signed to `dir`, with a copy of one that
 * has a byte changed, checks each with the platform's public verification and tells where to get
 * them and how to verify them.
 */
export async function showDocuments(o: { baseUrl: string; documents: { id: string; kind: keyof typeof KIND; reader: PersonSession }[]; dir: string; log: (l: string) => void }): Promise<{ files: string[]; tampered: string; verdicts: string[] }> {
  mkdirSync(o.dir, { recursive: true });
  const verify = async (file: Buffer): Promise<VerificationReport> => {
    const res = await fetch(`${o.baseUrl}/v1/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ content: file.toString("base64") }) });
    return (await res.json()) as VerificationReport;
  };
  const files: string[] = [];
  const verdicts: string[] = [];
  for (const d of o.documents) {
    const file = await download(d.reader, d.id);
    const path = join(o.dir, `${d.kind}-${d.id.slice(0, 8)}.pdf`);
    writeFileSync(path, file);
    files.push(path);
    const r = await verify(file);
    verdicts.push(r.verdict);
    o.log(`      ${KIND[d.kind]} ${path}: ${r.verdict}, signed by ${r.signatures.map((s) => `${s.signer?.name} (${s.signer?.organization})`).join(", ") || "nobody yet"}; ${o.baseUrl}/portal/verify/${d.id}`);
  }
  // one byte changed in the agreement: caught, with its reason
  const agreement = files[o.documents.findIndex((d) => d.kind === "agreement")];
  const signedAgreement = o.documents.find((d) => d.kind === "agreement")!;
  const original = splitSigned(await download(signedAgreement.reader, signedAgreement.id));
  const changed = Buffer.from(original.document);
  changed[Math.floor(changed.length / 2)] ^= 1;
  const tampered = agreement.replace(/\.pdf$/, "-tampered.pdf");
  writeFileSync(tampered, attachSignatures(changed, original.signatures ?? []));
  const bad = await verify(readFileSync(tampered));
  verdicts.push(bad.verdict);
  o.log(`      a copy of the agreement with one byte changed, ${tampered}: ${bad.verdict} — ${bad.problems.map((p) => `${p.code}: ${p.message}`).join("; ")}`);
  o.log(`      verify any of them yourself: npm run verify -- ${agreement}   (or upload it at ${o.baseUrl}/portal/verify)`);
  return { files, tampered, verdicts };
}
