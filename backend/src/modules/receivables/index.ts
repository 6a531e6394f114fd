/**
 * Receivables: certificates registered by suppliers or issued by core enterprises, confirmed,
 * rejected, cancelled, split and transferred. (Implementation: receivables.service.ts, policy.ts,
 * receivables.routes.ts, receivables.projections.ts, receivables.hooks.ts, operations.ts.)
 */
export { ReceivableEntity, CHAIN_STATUS, type ReceivableRow, type ReceivableStatus } from "./receivable.entity";
export { ReceivablesService, changeInFlightSql, changeInProgress, type HolderChangeGuard } from "./receivables.service";
export { recordOperation } from "./operations";
export { receivableView, outstanding } from "./receivables.views";
export { ReceivableView } from "./receivables.schemas";
