import { Wallet } from "ethers";
import type { DataSource } from "typeorm";
import { ReceivableLedger__factory } from "../../../typechain-types";
import type { LedgerGateway } from "../ledger/gateway";
import { LedgerDeploymentEntity } from "../ledger/ledger.entity";
import { decodeRevert, revertDataOf } from "../ledger/revert-decoder";
import { noteReason } from "../modules/receivables";

export interface ResumedObligor {
  organizationId: string;
  legalName: string;
  /** Its certificates that counted against it on the ledger before the resumption. */
  delinquencies: bigint;
  /** The reason as the ledger records it (bytes32: the text up to 31 bytes, else keccak256 of it). */
  reason: string;
  txHash: string;
  blockNumber: number;
}

/**
 * Governance resumes a delinquent obligor before it has paid (a restructuring agreed with its
 * creditors, a court order): `resumeObligor(obligor, reason)` on the ledger, sent with the
 * governance key (the contracts' default admin, as at deployment). The reason's text is kept off
 * chain (ledger_reasons) and shown with the obligor's standing; the indexer projects the
 * resumption (ObligorResumed) like any other event. The overdue certificates stay overdue and are
 * still collected by the keeper.
 */
export async function resumeObligor(ds: DataSource, gateway: LedgerGateway, governanceKey: string, organizationId: string, reasonText: string): Promise<ResumedObligor> {
  const reasonTextTrimmed = reasonText.trim();
  if (!reasonTextTrimmed || reasonTextTrimmed.length > 200) throw new Error("--reason must be 1 to 200 characters: the agreement or order that justifies resuming the obligor");
  const [org] = (await ds.query(`SELECT id, legal_name, roles, ledger_address FROM organizations WHERE id = $1`, [organizationId])) as { id: string; legal_name: string; roles: string[]; ledger_address: string | null }[];
  if (!org) throw new Error(`no organization ${organizationId}`);
  if (!org.roles.includes("core_enterprise")) throw new Error(`${org.legal_name} is not a core enterprise: only an obligor can be paused or resumed`);
  if (!org.ledger_address) throw new Error(`${org.legal_name} has no ledger address`);
  const deployment = await ds.getRepository(LedgerDeploymentEntity).findOne({ where: {}, order: { id: "DESC" } });
  if (!deployment) throw new Error("the contracts are not deployed: run `npm run ops -- deploy`");
  const ledger = ReceivableLedger__factory.connect(deployment.ledger, new Wallet(governanceKey, gateway.provider));
  const delinquencies = await ledger.delinquenciesOf(org.ledger_address);
  if (delinquencies === 0n) throw new Error(`${org.legal_name} is not paused on the ledger: nothing to resume`);
  const reason = await noteReason(ds.manager, reasonTextTrimmed);
  try {
    const tx = await ledger.resumeObligor(org.ledger_address, reason);
    const receipt = await tx.wait();
    return { organizationId: org.id, legalName: org.legal_name, delinquencies, reason, txHash: tx.hash, blockNumber: receipt!.blockNumber };
  } catch (e) {
    const data = revertDataOf(e);
    if (!data) throw e;
    const failure = decodeRevert(data);
    throw new Error(`the ledger refused the resumption: ${failure.code} ${failure.meaning} ${failure.action}`);
  }
}
