import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Signed documents (docs/signed-documents.md).
 *
 * - documents: one per step that calls for a document — a certificate confirmed or signed for, a
 *   financing or a transfer (the notice of assignment to the obligor), a quote (the financing
 *   agreement). The indexer makes the certificate and notice rows as it sees the step; an agreement
 *   is made when it is first asked for. `facts` and `fingerprint` are filled when the document is
 *   first rendered, and never change after. The PDF itself is not kept: the same facts always give
 *   the same bytes (a download renders them again and checks the fingerprint).
 *   `parties` are the organizations that may read it.
 * - document_signatures: a person's SM2 signature of a document, for one act (one per act), with the
 *   certificate it was made under; `operation_id` is the ledger operation that records it.
 * - signing_certificates: the X.509 certificates the consortium CA issued to people (public keys
 *   only: private keys never reach the platform), and their revocation.
 * - document_anchors: what the ledger holds of documents (an agreement's fingerprint in its
 *   funding's terms, DocumentRecorded events), as the indexer read it; `tx_hash` + `log_index` is
 *   the event.
 */
export class SignedDocuments1734500000000 implements MigrationInterface {
  name = "SignedDocuments1734500000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE documents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('certificate', 'notice', 'agreement')),
        occasion text NOT NULL CHECK (occasion IN ('confirm', 'sign-for', 'financing', 'transfer', 'quote')),
        subject text NOT NULL,
        receivable_id uuid NOT NULL REFERENCES receivables(id),
        parties uuid[] NOT NULL,
        facts jsonb,
        fingerprint char(66) UNIQUE,
        block_number bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        rendered_at timestamptz,
        UNIQUE (kind, subject)
      );
      CREATE INDEX documents_receivable ON documents (receivable_id, created_at);
      CREATE INDEX documents_parties ON documents USING gin (parties);
      CREATE SEQUENCE signing_certificate_serials START 4096;
      CREATE TABLE signing_certificates (
        serial text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        public_key text NOT NULL,
        der bytea NOT NULL,
        not_before timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        revoked_at timestamptz,
        revocation_reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX signing_certificates_person ON signing_certificates (user_id, created_at DESC);
      CREATE INDEX signing_certificates_organization ON signing_certificates (organization_id) WHERE revoked_at IS NULL;
      CREATE TABLE document_signatures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        document_id uuid NOT NULL REFERENCES documents(id),
        act text NOT NULL CHECK (act IN ('confirm', 'sign-for', 'quote', 'accept', 'acknowledge')),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        user_id uuid NOT NULL REFERENCES users(id),
        certificate_serial text NOT NULL REFERENCES signing_certificates(serial),
        signature text NOT NULL,
        signed_at timestamptz NOT NULL DEFAULT now(),
        operation_id bigint REFERENCES outbox(id),
        UNIQUE (document_id, act)
      );
      CREATE TABLE document_anchors (
        tx_hash char(66) NOT NULL,
        log_index int NOT NULL,
        fingerprint char(66) NOT NULL,
        receivable_chain_id bigint NOT NULL,
        kind text NOT NULL,
        by_address char(42) NOT NULL,
        block_number bigint NOT NULL,
        PRIMARY KEY (tx_hash, log_index)
      );
      CREATE INDEX document_anchors_fingerprint ON document_anchors (fingerprint);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE document_anchors; DROP TABLE document_signatures; DROP TABLE signing_certificates; DROP SEQUENCE signing_certificate_serials; DROP TABLE documents;`);
  }
}
