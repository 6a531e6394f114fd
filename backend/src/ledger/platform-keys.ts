import type { EntityManager } from "typeorm";
import { AppError } from "../shared/errors";
import type { KeyVault } from "./key-vault";
import { LedgerDeploymentEntity, LedgerKeyEntity } from "./ledger.entity";
import { platformAttestation, type Attestation } from "./attestation";
import type { AttestedReceivable } from "./typed-data";

/**
 * The platform's own ledger identities: the relayer key that submits intents members signed and
 * runs the maturity keeper (it holds no role on chain), the invoice verifier's key (VERIFIER_ROLE,
 * granted by governance at deployment), and the current deployment.
 */
export class PlatformKeys {
  constructor(private readonly vault: KeyVault) {}

  /** The live relayer key, created on first use. */
  async relayer(em: EntityManager): Promise<string> {
    const live = await em.getRepository(LedgerKeyEntity).findOne({ where: { purpose: "relayer" }, order: { createdAt: "ASC" } });
    if (live && !live.retiredAt) return live.address;
    return this.vault.create(em, "relayer", null);
  }

  /**
   * The platform verifier's attestation of a register/issue call (see attestation.ts): for
   * callers that checked the invoices behind every item.
   */
  async attest(em: EntityManager, deployment: { chainId: bigint; ledger: string }, issued: boolean, items: AttestedReceivable[], deadline: bigint): Promise<Attestation> {
    return platformAttestation(em, this.vault, deployment, issued, items, deadline);
  }

  /** The newest recorded deployment (chain id and ledger address), or a 503 before `ops deploy`. */
  async deployment(em: EntityManager): Promise<{ chainId: bigint; ledger: string; settlementToken: string }> {
    const d = await em.getRepository(LedgerDeploymentEntity).findOne({ where: {}, order: { id: "DESC" } });
    if (!d) throw notDeployed();
    return { chainId: d.chainId, ledger: d.ledger, settlementToken: d.settlementToken };
  }
}

/** What a request that needs the contracts is told before `ops deploy` has recorded them. */
export const notDeployed = () => new AppError("LEDGER.NOT_DEPLOYED", 503, "The ledger contracts are not deployed yet: run `npm run ops -- deploy`.");

/** The live operator ledger key, created (and attached to the operator organization) if missing. */
export async function operatorKeyAddress(em: EntityManager, vault: KeyVault, organizationId: string | null): Promise<string> {
  const repo = em.getRepository(LedgerKeyEntity);
  const live = await repo.findOne({ where: { purpose: "operator" }, order: { createdAt: "DESC" } });
  if (live && !live.retiredAt) {
    if (organizationId && !live.organizationId) await repo.update({ id: live.id }, { organizationId });
    return live.address;
  }
  return vault.create(em, "operator", organizationId);
}
