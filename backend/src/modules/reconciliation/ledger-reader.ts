import type { ContractRunner } from "ethers";
import { ReceivableLedger__factory } from "../../../../typechain-types";
import { CHAIN_STATUS, type ReceivableStatus } from "../receivables";

/** A certificate as the ledger has it right now. */
export interface LiveCertificate {
  status: ReceivableStatus;
  /** The bank holding the lien (null when none: unfinanced, or settled and released). */
  lienBank: string | null;
  lienDue: bigint;
  /** What the obligor still owes on it. */
  outstanding: bigint;
  repaid: bigint;
  recovered: bigint;
}

/**
 * Reads the ledger directly, for the reconciliation report's live view of liens, repayments and
 * credit lines (the projection may lag by the finality depth). Optional: without it the report
 * uses the indexer's projection only.
 */
export interface LedgerReader {
  certificate(certificateId: bigint): Promise<LiveCertificate>;
  creditLine(bankAddress: string, obligorAddress: string): Promise<{ limit: bigint; used: bigint }>;
}

const ZERO = "0x0000000000000000000000000000000000000000";

/** A {@link LedgerReader} over JSON-RPC; `ledgerAddress` is looked up per call (the deployment may change). */
export function ledgerReader(runner: ContractRunner, ledgerAddress: () => Promise<string>): LedgerReader {
  const contract = async () => ReceivableLedger__factory.connect(await ledgerAddress(), runner);
  return {
    async certificate(id) {
      const ledger = await contract();
      const [r, lien, outstanding, repayment] = await Promise.all([ledger.receivable(id), ledger.lienOf(id), ledger.outstandingOf(id), ledger.repaymentOf(id)]);
      return {
        status: CHAIN_STATUS[Number(r.status)] ?? "registering",
        lienBank: lien.bank === ZERO ? null : lien.bank,
        lienDue: lien.due,
        outstanding,
        repaid: repayment.repaid,
        recovered: repayment.recovered,
      };
    },
    async creditLine(bank, obligor) {
      const line = await (await contract()).creditLine(bank, obligor);
      return { limit: line.limit, used: line.used };
    },
  };
}
