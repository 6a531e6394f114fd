import { randomBytes } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { eventually, type Api, type Reply } from "../support/http";
import { Rng } from "../chaos/prng";
import { enrolmentMessage, generateKeyPair, sm2Sign } from "../../../backend/src/modules/documents";
import { RaceWorld, expectRefused, race, rounds, won, type Party } from "./world";

/**
 * Signatures of documents sent at the same moment as what conflicts with them, each request to its
 * own API server: an act is signed once (one row, one ledger record), an agreement only while its
 * quote is open, and a certificate signs nothing once it is revoked. RACE_ROUNDS rounds per race
 * (20 by default), PARALLEL at a time; RACE_SEED replays a run.
 */
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 20);
const PARALLEL = 10;
const REVOCATIONS_PER_ROUND = 3;
const SEED = Number(process.env.RACE_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** A person's signing key: the key it signs with (as the API knows it) and its certificate. */
interface Signer {
  key: string;
  privateKey: string;
  serial: string;
}

describe("races of signed documents", () => {
  let w: RaceWorld;
  let A: Api;
  let B: Api;
  let core: Party, s1: Party, bank: Party;
  /** Core's admin and a second approver of core, each with a certificate of its own. */
  let admin: Signer, approver: Signer;
  /** Certificate documents (core signs them for "confirm"), by race. */
  const pool = new Map<string, { id: string; receivableId: string }[]>();
  const take = (what: string) => pool.get(what)!.shift()!;

  const personOf = async (key: string) => (await w.api.get("/v1/me", { key })).body.user.id as string;
  /** The person behind `key` enrols a key pair of its own system. */
  const enrol = async (key: string): Promise<Signer> => {
    const k = generateKeyPair();
    const r = await w.api.post("/v1/signing/certificates", { publicKey: k.publicKey, proof: sm2Sign(k.privateKey, enrolmentMessage({ personId: await personOf(key), publicKey: k.publicKey })) }, { key });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { key, privateKey: k.privateKey, serial: r.body.serial };
  };
  /** The message of `act` of a document (made now, if it was not). */
  const messageOf = async (documentId: string, act: string, key: string) => {
    const r = await w.api.get(`/v1/documents/${documentId}`, { key });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.signers.find((s: { act: string }) => s.act === act).message as string;
  };
  const sign = (api: Api, s: Signer, documentId: string, act: string, message: string) =>
    api.post(`/v1/documents/${documentId}/signatures`, { act, certificate: s.serial, signature: sm2Sign(s.privateKey, message) }, { key: s.key });
  const signatureRows = (documentId: string): Promise<{ serial: string; signedAt: Date }[]> =>
    w.stack.ds.query(`SELECT certificate_serial AS serial, signed_at AS "signedAt" FROM document_signatures WHERE document_id = $1`, [documentId]);

  beforeAll(async () => {
    console.log(`document races: seed ${SEED}, ${ROUNDS} rounds per race`);
    // invoices per supplier: s1 ROUNDS (same signer) + ROUNDS (agreements), s2 ROUNDS, s3 REVOCATIONS_PER_ROUND × ROUNDS
    w = await RaceWorld.start(new Rng(SEED), 4 * REVOCATIONS_PER_ROUND * ROUNDS);
    [A, B] = w.servers;
    core = w.core;
    [s1] = w.suppliers;
    [bank] = w.banks;
    const made = await Promise.all([w.certificates(s1, ROUNDS), w.certificates(w.suppliers[1], ROUNDS), w.certificates(w.suppliers[2], REVOCATIONS_PER_ROUND * ROUNDS)]);
    const ids = made.flat().map((c) => c.id);
    const docs = await eventually(async () => {
      const rows: { id: string; receivableId: string }[] = await w.stack.ds.query(
        `SELECT id::text, receivable_id::text AS "receivableId" FROM documents WHERE kind = 'certificate' AND receivable_id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.length === ids.length ? rows : null;
    }, 60_000, "the certificate documents");
    const of = (cs: { id: string }[]) => cs.map((c) => docs.find((d) => d.receivableId === c.id)!);
    pool.set("same-signer", of(made[0]));
    pool.set("two-approvers", of(made[1]));
    pool.set("revocation", of(made[2]));
    // a second approver of core, with an API key of its own
    const user = await w.api.post(`/v1/organizations/${core.id}/users`, { email: `approver-${randomBytes(3).toString("hex")}@core.example`, name: "Second approver", role: "member" }, core);
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const key = await w.api.post("/v1/api-keys", { label: "second approver", userId: user.body.id }, core);
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    [admin, approver] = [await enrol(core.key), await enrol(key.body.key)];
  }, 900_000);
  afterAll(async () => w?.close());

  /** One act, two signatures at once: one 201 and one 409 DOCUMENT.ALREADY_SIGNED, one row, at most one ledger record. */
  const once = async (round: string, doc: { id: string; receivableId: string }, replies: [Reply, Reply], signers: Signer[]) => {
    expect(replies.filter(won).length, `${round}: exactly one signature wins (${replies.map((r) => r.status).join(", ")})`).toBe(1);
    const [winner, loser] = won(replies[0]) ? replies : [replies[1], replies[0]];
    expect(winner.status, round).toBe(201);
    expectRefused(loser, 409, ["DOCUMENT.ALREADY_SIGNED"], round);
    const rows = await signatureRows(doc.id);
    expect(rows.length, `${round}: signature rows`).toBe(1);
    expect(signers.map((s) => s.serial), round).toContain(rows[0].serial);
    const [{ n }] = await w.stack.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE kind = 'ledger.recordDocuments' AND aggregate_id = $1`, [doc.receivableId]);
    expect(n, `${round}: ledger records of the signature`).toBeLessThanOrEqual(1);
    expect(n, `${round}: the winner's operation`).toBe(winner.body.operationId === null ? 0 : 1);
  };

  it("the same signer signs the same act twice at once (a retried request): one 201, the other 409 DOCUMENT.ALREADY_SIGNED, one row, one ledger record", async () => {
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const doc = take("same-signer");
      const message = await messageOf(doc.id, "confirm", core.key);
      const flip = i % 2 === 1;
      const replies = await race(
        () => sign(flip ? B : A, admin, doc.id, "confirm", message),
        () => sign(flip ? A : B, admin, doc.id, "confirm", message),
      );
      await once(`round ${i}`, doc, replies, [admin]);
    });
  });

  it("two approvers of the obligor sign the same act at once, each with its own certificate: one 201, the other 409, one row, one ledger record", async () => {
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const doc = take("two-approvers");
      const message = await messageOf(doc.id, "confirm", core.key);
      const flip = i % 2 === 1;
      const replies = await race(
        () => sign(flip ? B : A, admin, doc.id, "confirm", message),
        () => sign(flip ? A : B, approver, doc.id, "confirm", message),
      );
      await once(`round ${i}`, doc, replies, [admin, approver]);
    });
  });

  it("the agreement signed (by the bank for its quote, or by the supplier for acceptance) ∥ the bank withdrawing the quote: the signature lands while the quote is open, or is refused 409 QUOTE.NOT_OPEN", async () => {
    const [supplierSigner, bankSigner] = [await enrol(s1.key), await enrol(bank.key)];
    const certs = await w.certificates(s1, ROUNDS);
    const tally = { signedFirst: 0, refused: 0 };
    await rounds(ROUNDS, PARALLEL, async (i) => {
      const round = `round ${i}`;
      const request = await w.openRequest(s1, certs[i].id);
      const quote = await w.quote(bank, request);
      const agreement = (await w.api.get(`/v1/quotes/${quote.id}/agreement`, s1)).body;
      expect(agreement.kind, round).toBe("agreement");
      const [act, signer] = i % 4 < 2 ? ["quote", bankSigner] : ["accept", supplierSigner];
      const message = agreement.signers.find((s: { act: string }) => s.act === act).message as string;
      const flip = i % 2 === 1;
      let withdrawnBy = 0;
      const [rs, rw] = await race(
        () => sign(flip ? B : A, signer, agreement.id, act, message),
        async () => {
          const r = await (flip ? A : B).post(`/v1/quotes/${quote.id}/withdrawal`, {}, bank);
          withdrawnBy = Date.now();
          return r;
        },
      );
      // the withdrawal never waits on a signature for long: it always goes through
      expect(rw.status, `${round}: ${JSON.stringify(rw.body)}`).toBe(200);
      expect(rw.body.status, round).toBe("withdrawn");
      const rows = await signatureRows(agreement.id);
      if (won(rs)) {
        expect(rs.status, round).toBe(201);
        expect(rows.length, round).toBe(1);
        // its transaction began before the withdrawal had answered (so before it committed): it signed an open quote
        expect(rows[0].signedAt.getTime(), `${round}: signed at ${rows[0].signedAt.toISOString()}, withdrawal answered at ${new Date(withdrawnBy).toISOString()}`).toBeLessThanOrEqual(withdrawnBy);
        tally.signedFirst++;
      } else {
        expectRefused(rs, 409, ["QUOTE.NOT_OPEN"], round);
        expect(rows.length, `${round}: a refused signature leaves no row`).toBe(0);
        tally.refused++;
      }
      // withdrawn, the agreement takes no signature any more
      const [otherAct, otherSigner] = act === "quote" ? ["accept", supplierSigner] : ["quote", bankSigner];
      const later = await sign(A, otherSigner, agreement.id, otherAct, agreement.signers.find((s: { act: string }) => s.act === otherAct).message);
      expectRefused(later, 409, ["QUOTE.NOT_OPEN"], `${round}, after the withdrawal`);
      expect((await signatureRows(agreement.id)).length, round).toBe(rows.length);
    });
    console.log(`agreement signature ∥ withdrawal: ${JSON.stringify(tally)}`);
  });

  // BUG (documents): DocumentsService.sign reads the certificate (revokedAt null) before its transaction and inserts the
  // signature without locking the certificate's row, so a revocation that lands in between (during sm2Verify) is not seen:
  // the signature is stored (201) with signed_at after its certificate's revoked_at, and the platform's own /v1/verify then
  // reports it CERTIFICATE_REVOKED (documents.service.ts, `cert.revokedAt` checked outside inTransaction). The fix must
  // order the two on the certificate's row (the signature's transaction locks it and checks, the revocation stamps its time
  // once it holds it) so that the times agree with the order. Back to `it` once fixed.
  it("revocation ∥ a signature with the same certificate: the signature is recorded before the revocation's time, or refused 422 SIGNATURE.CERTIFICATE_REVOKED", async () => {
    const tally = { signedBefore: 0, refused: 0, signedAfter: 0 };
    const late: string[] = [];
    // three pairs a round: the window between the signature's check and its insert is a few milliseconds wide
    await rounds(ROUNDS, PARALLEL, async (i) => {
      for (let k = 0; k < REVOCATIONS_PER_ROUND; k++) {
        const round = `round ${i}.${k}`;
        const doc = take("revocation");
        const signer = await enrol(core.key);
        const message = await messageOf(doc.id, "confirm", core.key);
        const flip = (i + k) % 2 === 1;
        // the revocation leaves 0 to 19 ms after the signature, so that it meets the signature at each of its steps
        const delay = (i * REVOCATIONS_PER_ROUND + k) % 20;
        const [rs, rr] = await race(
          () => sign(flip ? B : A, signer, doc.id, "confirm", message),
          async () => {
            await new Promise((r) => setTimeout(r, delay));
            return (flip ? A : B).post(`/v1/signing/certificates/${signer.serial}/revocation`, { reason: "key lost" }, core);
          },
        );
        expect(rr.status, `${round}: ${JSON.stringify(rr.body)}`).toBe(200);
        const revokedAt = new Date(rr.body.revokedAt).getTime();
        const rows = await signatureRows(doc.id);
        if (won(rs)) {
          expect(rows.length, round).toBe(1);
          // the verifier's rule: a certificate revoked before the signing time signs nothing (the same millisecond is given the benefit)
          if (rows[0].signedAt.getTime() <= revokedAt) tally.signedBefore++;
          else {
            tally.signedAfter++;
            late.push(`${round} (revocation ${delay} ms later): signed at ${rows[0].signedAt.toISOString()}, revoked at ${rr.body.revokedAt}`);
          }
        } else {
          expectRefused(rs, 422, ["SIGNATURE.CERTIFICATE_REVOKED"], round);
          expect(rows.length, `${round}: a refused signature leaves no row`).toBe(0);
          tally.refused++;
        }
      }
    });
    console.log(`revocation ∥ signature: ${JSON.stringify(tally)}${late.length ? `\n  ${late.join("\n  ")}` : ""}`);
    expect(late, "signatures recorded after their certificate's revocation").toEqual([]);
  });

  it("leaves the ledger records done: every signature's operation mined", async () => {
    await w.quiet();
    const failed = await w.stack.ds.query(`SELECT id::text, kind, error_code FROM outbox WHERE status <> 'mined'`);
    expect(failed).toEqual([]);
  });
});
