import type { DataSource } from "typeorm";
import type { PlatformKeys } from "../../ledger/platform-keys";
import type { CertificateAuthority } from "./signing/ca";
import type { DocumentInfo } from "./render";
import * as repo from "./documents.repository";
import { fileSignatures, signersOf } from "./documents.service";
import type { KnownDocument, VerificationSource } from "./verification";

/** The platform's own answers to a verification: its documents, its copy of the ledger's records (the indexer's), its CA. */
export function platformSource(ds: DataSource, keys: PlatformKeys, ca: CertificateAuthority): VerificationSource {
  const known = async (doc: repo.DocumentRow | null): Promise<KnownDocument | null> => {
    if (!doc?.fingerprint) return null;
    const [deployment, orgs] = await Promise.all([keys.deployment(ds.manager), repo.organizations(ds.manager, doc.parties)]);
    return {
      id: doc.id,
      kind: doc.kind,
      receivableId: doc.receivableChainId,
      subject: doc.subject,
      fingerprint: doc.fingerprint,
      chainId: Number(deployment.chainId),
      ledger: deployment.ledger.toLowerCase(),
      signers: signersOf(doc).map((s) => ({ act: s.act, role: s.role, name: orgs.get(doc.parties[s.party])?.name ?? "", uscc: orgs.get(doc.parties[s.party])?.uscc ?? "" })),
    };
  };
  return {
    byFingerprint: async (fingerprint) => known(await repo.documentByFingerprint(ds.manager, fingerprint)),
    byInfo: async (info: DocumentInfo) => known(await repo.documentClaimed(ds.manager, info.kind, info.receivable, info.subject)),
    records: async (fingerprint) =>
      (await repo.anchorsOf(ds.manager, fingerprint)).map((a) => ({ transaction: a.txHash, block: a.blockNumber, receivableId: a.receivableChainId, kind: a.kind, by: a.byAddress })),
    signatures: async (doc) => {
      const row = (await repo.documentById(ds.manager, doc.id))!;
      return fileSignatures(row, await repo.signaturesOf(ds.manager, [doc.id]));
    },
    caRoot: () => ca.root(),
    revocations: () => ca.revocations(),
  };
}
