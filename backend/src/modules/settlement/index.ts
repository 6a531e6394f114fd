/**
 * Settlement: the digital-yuan settlement token as members hold it — deposits and withdrawals
 * through settlement issuers, allowances to the ledger, balances and movements as the ledger
 * shows them; each member's payout bank account, to which its withdrawals are paid. (Implementation:
 * settlement.service.ts, settlement.routes.ts, settlement.projections.ts; the payout tables in
 * payout-account.migration.ts.)
 */
import { defineModule } from "../module";
import { SettlementToken__factory } from "../../../../typechain-types";
import { SettlementService } from "./settlement.service";
import { settlementRoutes } from "./settlement.routes";
import { settlementProjections } from "./settlement.projections";
import { PayoutAccounts1734470000000 } from "./payout-account.migration";

export const settlementModule = defineModule({
  name: "settlement",
  needs: [],
  tables: ["token_balances", "token_allowances", "token_movements", "payout_accounts", "payout_withdrawals"],
  migrations: [PayoutAccounts1734470000000],
  services: ({ ds, outbox, keys, provider }) => {
    const token = SettlementToken__factory.createInterface();
    const allowanceOnChain = async (address: string, owner: string, spender: string) =>
      BigInt(await provider.call({ to: address, data: token.encodeFunctionData("allowance", [owner, spender]) }));
    return { settlement: new SettlementService(ds, outbox, keys, allowanceOnChain) };
  },
  routes: (routes, api) => settlementRoutes(routes, api.settlement),
  projections: (p) => settlementProjections(p),
});

export { SettlementService } from "./settlement.service";
