import type { EntityManager } from "typeorm";
import { rowsOf } from "../../shared/db-types";
import type { DocumentKind, SigningAct } from "./signing/sm";
import type { DocumentFacts } from "./render";

type Db = Pick<EntityManager, "query">;

export type Occasion = "confirm" | "sign-for" | "financing" | "transfer" | "quote";

/** A document as the platform keeps it (the PDF itself is read separately). */
export interface DocumentRow {
  id: string;
  kind: DocumentKind;
  occasion: Occasion;
  subject: string;
  receivableId: string;
  receivableChainId: string;
  /** Positional: certificate [obligor, holder]; notice [obligor, assignor, assignee]; agreement [supplier, bank]. */
  parties: string[];
  fingerprint: string | null;
  createdAt: Date;
}

export interface SignatureRow {
  id: string;
  documentId: string;
  act: SigningAct;
  organizationId: string;
  userId: string;
  signerName: string;
  organizationName: string;
  uscc: string;
  certificateSerial: string;
  signature: string;
  signedAt: Date;
  operationId: string | null;
  der: Buffer;
}

const DOC_COLUMNS = `d.id, d.kind, d.occasion, d.subject, d.receivable_id AS "receivableId", r.chain_id::text AS "receivableChainId",
  d.parties::text[] AS parties, d.fingerprint, d.created_at AS "createdAt"`;

export async function documentById(db: Db, id: string): Promise<DocumentRow | null> {
  const rows: DocumentRow[] = await db.query(`SELECT ${DOC_COLUMNS} FROM documents d JOIN receivables r ON r.id = d.receivable_id WHERE d.id = $1`, [id]);
  return rows[0] ?? null;
}

export async function documentByFingerprint(db: Db, fingerprint: string): Promise<DocumentRow | null> {
  const rows: DocumentRow[] = await db.query(`SELECT ${DOC_COLUMNS} FROM documents d JOIN receivables r ON r.id = d.receivable_id WHERE d.fingerprint = $1`, [fingerprint]);
  return rows[0] ?? null;
}

/** The document a file says it is: its kind, certificate and subject (a quote id, or the transaction of its step). */
export async function documentClaimed(db: Db, kind: string, receivableChainId: string, subject: string): Promise<DocumentRow | null> {
  // what a file says is untrusted: an id no certificate can have is no certificate (Postgres bigint)
  if (!/^\d{1,19}$/.test(receivableChainId) || BigInt(receivableChainId) > 9_223_372_036_854_775_807n) return null;
  const rows: DocumentRow[] = await db.query(
    `SELECT ${DOC_COLUMNS} FROM documents d JOIN receivables r ON r.id = d.receivable_id
     WHERE d.kind = $1 AND r.chain_id = $2 AND (d.subject = $3 OR split_part(d.subject, ':', 1) = $3) ORDER BY d.created_at LIMIT 1`,
    [kind, receivableChainId, subject],
  );
  return rows[0] ?? null;
}

export interface ListFilter {
  organizationId: string | null; // null: every organization's (auditors, the operator)
  kind?: DocumentKind;
  receivableChainId?: string;
  /** Only those still waiting for this act's signature. */
  awaiting?: SigningAct;
  limit: number;
  before?: string;
}

/** Documents the organization is a party to, newest first. */
export async function listDocuments(db: Db, f: ListFilter): Promise<DocumentRow[]> {
  return db.query(
    `SELECT ${DOC_COLUMNS} FROM documents d JOIN receivables r ON r.id = d.receivable_id
     WHERE ($1::uuid IS NULL OR $1::uuid = ANY(d.parties))
       AND ($2::text IS NULL OR d.kind = $2) AND ($3::bigint IS NULL OR r.chain_id = $3)
       AND ($4::text IS NULL OR NOT EXISTS (SELECT 1 FROM document_signatures s WHERE s.document_id = d.id AND s.act = $4))
       AND ($6::uuid IS NULL OR (d.created_at, d.id) < (SELECT created_at, id FROM documents WHERE id = $6))
     ORDER BY d.created_at DESC, d.id DESC LIMIT $5`,
    [f.organizationId, f.kind ?? null, f.receivableChainId ?? null, f.awaiting ?? null, f.limit, f.before ?? null],
  );
}

export async function signaturesOf(db: Db, documentIds: string[]): Promise<SignatureRow[]> {
  if (!documentIds.length) return [];
  return db.query(
    `SELECT s.id, s.document_id AS "documentId", s.act, s.organization_id AS "organizationId", s.user_id AS "userId", u.name AS "signerName",
            o.legal_name AS "organizationName", o.uscc, s.certificate_serial AS "certificateSerial", s.signature, s.signed_at AS "signedAt",
            s.operation_id::text AS "operationId", c.der
     FROM document_signatures s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = s.organization_id
     JOIN signing_certificates c ON c.serial = s.certificate_serial
     WHERE s.document_id = ANY($1::uuid[]) ORDER BY s.signed_at, s.id`,
    [documentIds],
  );
}

/** The facts a rendered document was made from (null before it is rendered). */
export async function factsOfDocument(db: Db, id: string): Promise<DocumentFacts | null> {
  const rows: { facts: DocumentFacts | null }[] = await db.query(`SELECT facts FROM documents WHERE id = $1`, [id]);
  return rows[0]?.facts ?? null;
}

/** Keeps a rendering's facts and fingerprint; the first to land stays (false: another had landed). */
export async function saveRendering(db: Db, id: string, facts: DocumentFacts, fingerprint: string): Promise<boolean> {
  return rowsOf(await db.query(`UPDATE documents SET facts = $2, fingerprint = $3, rendered_at = now() WHERE id = $1 AND fingerprint IS NULL RETURNING id`, [id, JSON.stringify(facts), fingerprint])).length > 0;
}

/**
 * The agreement document of a quote, made if it is not there yet (one statement); its parties are
 * the supplier and the bank. `reader`: only if that organization is one of them (null: any reader,
 * auditors and the operator), and nothing is made for anyone else.
 */
export async function agreementOf(db: Db, quoteId: string, reader: string | null): Promise<DocumentRow | null> {
  const rows: DocumentRow[] = await db.query(
    `WITH made AS (
       INSERT INTO documents (kind, occasion, subject, receivable_id, parties)
       SELECT 'agreement', 'quote', q.id::text, fr.receivable_id, ARRAY[fr.supplier_organization_id, q.bank_organization_id]
       FROM quotes q JOIN financing_requests fr ON fr.id = q.request_id
       WHERE q.id = $1 AND ($2::uuid IS NULL OR $2::uuid IN (fr.supplier_organization_id, q.bank_organization_id))
       ON CONFLICT (kind, subject) DO NOTHING
       RETURNING *
     ), d AS (SELECT * FROM made UNION ALL SELECT * FROM documents WHERE kind = 'agreement' AND subject = $1::text)
     SELECT ${DOC_COLUMNS} FROM d JOIN receivables r ON r.id = d.receivable_id WHERE $2::uuid IS NULL OR $2::uuid = ANY(d.parties) LIMIT 1`,
    [quoteId, reader],
  );
  return rows[0] ?? null;
}

/**
 * What an acceptance needs to know of its quote's agreement, in one statement: the document if it was
 * made, who signed it, and who must (see DocumentsService.forAcceptance). Null unless the quote is on
 * a request of `supplierId`'s.
 */
export async function acceptanceSigning(db: Db, quoteId: string, supplierId: string) {
  const [r]: { document_id: string | null; fingerprint: string | null; quote_signed: boolean; accept_signed: boolean; bank_signs: boolean; supplier_signs: boolean; bank: string }[] = await db.query(
    `SELECT d.id AS document_id, d.fingerprint,
            EXISTS (SELECT 1 FROM document_signatures s WHERE s.document_id = d.id AND s.act = 'quote') AS quote_signed,
            EXISTS (SELECT 1 FROM document_signatures s WHERE s.document_id = d.id AND s.act = 'accept') AS accept_signed,
            EXISTS (SELECT 1 FROM signing_certificates c WHERE c.organization_id = q.bank_organization_id
                    AND c.created_at <= q.created_at AND c.not_after > q.created_at AND (c.revoked_at IS NULL OR c.revoked_at > q.created_at)) AS bank_signs,
            EXISTS (SELECT 1 FROM signing_certificates c WHERE c.organization_id = $2 AND c.not_after > now() AND c.revoked_at IS NULL) AS supplier_signs,
            b.legal_name AS bank
     FROM quotes q JOIN financing_requests fr ON fr.id = q.request_id AND fr.supplier_organization_id = $2
     JOIN organizations b ON b.id = q.bank_organization_id
     LEFT JOIN documents d ON d.kind = 'agreement' AND d.subject = q.id::text
     WHERE q.id = $1`,
    [quoteId, supplierId],
  );
  return r
    ? { documentId: r.document_id, fingerprint: r.fingerprint, quoteSigned: r.quote_signed, acceptSigned: r.accept_signed, bankSigns: r.bank_signs, supplierSigns: r.supplier_signs, bank: r.bank }
    : null;
}

/** Locks a signing certificate against revocation for the transaction; false if it is revoked. */
export async function lockCertificateUnrevoked(db: Db, serial: string): Promise<boolean> {
  const rows: { revoked_at: Date | null }[] = await db.query(`SELECT revoked_at FROM signing_certificates WHERE serial = $1 FOR SHARE`, [serial]);
  return rows.length > 0 && rows[0].revoked_at === null;
}

export interface NewSignature {
  documentId: string;
  act: SigningAct;
  organizationId: string;
  userId: string;
  certificateSerial: string;
  signature: string;
}

/** Records a signature; false if the act was signed already (by anyone). */
export async function insertSignature(db: Db, s: NewSignature): Promise<{ id: string; signedAt: Date } | null> {
  const rows: { id: string; signed_at: Date }[] = await db.query(
    `INSERT INTO document_signatures (document_id, act, organization_id, user_id, certificate_serial, signature, signed_at) VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())
     ON CONFLICT (document_id, act) DO NOTHING RETURNING id, signed_at`,
    [s.documentId, s.act, s.organizationId, s.userId, s.certificateSerial, s.signature],
  );
  return rows[0] ? { id: rows[0].id, signedAt: rows[0].signed_at } : null;
}

export async function setSignatureOperation(db: Db, id: string, operationId: bigint): Promise<void> {
  await db.query(`UPDATE document_signatures SET operation_id = $2 WHERE id = $1`, [id, operationId.toString()]);
}

export interface AnchorRow {
  txHash: string;
  logIndex: number;
  fingerprint: string;
  receivableChainId: string;
  kind: string;
  byAddress: string;
  blockNumber: string;
}

export async function anchorsOf(db: Db, fingerprint: string): Promise<AnchorRow[]> {
  return db.query(
    `SELECT tx_hash AS "txHash", log_index AS "logIndex", fingerprint, receivable_chain_id::text AS "receivableChainId", kind, by_address AS "byAddress", block_number::text AS "blockNumber"
     FROM document_anchors WHERE fingerprint = $1 ORDER BY block_number, log_index`,
    [fingerprint],
  );
}

/** Organizations' names and USCCs, by id. */
export async function organizations(db: Db, ids: string[]): Promise<Map<string, { name: string; uscc: string; ledgerAddress: string | null; keyCustody: string; status: string }>> {
  const rows: { id: string; name: string; uscc: string; ledger_address: string | null; key_custody: string; status: string }[] = await db.query(
    `SELECT id::text, legal_name AS name, uscc, ledger_address, key_custody, status FROM organizations WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, { name: r.name, uscc: r.uscc, ledgerAddress: r.ledger_address, keyCustody: r.key_custody, status: r.status }]));
}
