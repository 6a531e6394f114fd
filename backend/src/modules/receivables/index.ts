/**
 * Receivables: certificates registered by suppliers or issued by core enterprises, confirmed,
 * rejected, cancelled, split and transferred; offers waiting for their receiver's acceptance
 * (签收 / 拒签); delinquent obligors' standing (obligor_standings); the text behind reasons the
 * ledger keeps as bytes32 (ledger_reasons); and certificates' payment history (clearing_events,
 * written as the ledger clears them). (Implementation: receivables.creation.ts,
 * receivables.changes.ts, receivables.offers.ts and receivables.service.ts (reads) over
 * receivables.repository.ts, receivables.rules.ts and policy.ts (the decisions, pure),
 * obligor-standings.ts, ledger-reasons.ts, receivables.routes.ts and offers.routes.ts,
 * receivables.projections.ts with offers.projections.ts and standings.projections.ts,
 * receivables.hooks.ts; the schema changes in consent.migration.ts, sme-terms.migration.ts and
 * registration-operation.migration.ts.)
 */
import { defineModule } from "../module";
import { ledgerTime as ledgerTimeOf } from "../../ledger/block-clock";
import type { InvoicesApi } from "../invoices";
import { ReceivableEntity } from "./receivable.entity";
import { ReceivablesService } from "./receivables.service";
import { ReceivableCreation } from "./receivables.creation";
import { ReceivableChanges } from "./receivables.changes";
import { ReceivablesRepository } from "./receivables.repository";
import { receivablesRoutes } from "./receivables.routes";
import { receivablesProjections } from "./receivables.projections";
import { receivablesHooks } from "./receivables.hooks";
import { ReceivableOffers } from "./receivables.offers";
import { ObligorStandings } from "./obligor-standings";
import { Consent1733400000000 } from "./consent.migration";
import { SmeTermAgreements1734100000000 } from "./sme-terms.migration";
import { RegistrationOperation1734150000000 } from "./registration-operation.migration";
import { RejectionReason1734200000000 } from "./rejection.migration";

export const receivablesModule = defineModule({
  name: "receivables",
  needs: ["invoices"],
  tables: ["receivables", "clearing_events", "obligor_standings", "ledger_reasons", "sme_term_agreements"],
  entities: [ReceivableEntity],
  migrations: [Consent1733400000000, SmeTermAgreements1734100000000, RegistrationOperation1734150000000, RejectionReason1734200000000],
  services: ({ ds, outbox, keys, config, provider }, needs: { invoices: InvoicesApi }) => {
    const repo = new ReceivablesRepository(ds);
    const policy = { maxTenorDays: config.POLICY_MAX_TENOR_DAYS, maxTier: config.POLICY_MAX_TIER, minSplitAmount: config.POLICY_MIN_SPLIT_AMOUNT };
    const ledgerTime = () => ledgerTimeOf(provider);
    const receivables = new ReceivablesService(ds, repo, needs.invoices.invoices);
    const standings = new ObligorStandings(ds);
    const changes = new ReceivableChanges(ds, repo, outbox, keys, policy, ledgerTime, receivables, standings);
    return {
      receivables,
      standings,
      creation: new ReceivableCreation(ds, repo, outbox, needs.invoices.invoices, keys, policy, ledgerTime, standings),
      changes,
      offers: new ReceivableOffers(ds, repo, changes, ledgerTime),
    };
  },
  routes: (routes, api) => receivablesRoutes(routes, api),
  projections: (p) => receivablesProjections(p),
  hooks: (hooks) => receivablesHooks(hooks),
});
export type ReceivablesApi = ReturnType<typeof receivablesModule.services>;

export { ReceivableEntity, CHAIN_STATUS, OFFER_RETURN, type ReceivableRow, type ReceivableStatus, type OfferKind, type OfferReturned } from "./receivable.entity";
export { ObligorStandings, type StandingView } from "./obligor-standings";
export { noteReason, onChainText, reasonBytes32, reasonTexts } from "./ledger-reasons";
export { ReceivablesService, changeInProgress, type HolderChangeGuard } from "./receivables.service";
export { changeInFlightSql, recordOperation } from "./receivables.repository";
export { receivableView, outstanding } from "./receivables.views";
export { ReceivableView } from "./receivables.schemas";
