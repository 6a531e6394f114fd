/**
 * Every domain of the portal, in navigation order. A domain adds pages inside its own folder
 * (modules/<domain>/routes.tsx); this list changes only when a domain is added.
 */
import type { DomainModule } from "../shared/module";
import { onboardingModule } from "../modules/onboarding/routes";
import { approvalsModule } from "../modules/approvals/routes";
import { invoicesModule } from "../modules/invoices/routes";
import { receivablesModule } from "../modules/receivables/routes";
import { financingModule } from "../modules/financing/routes";
import { settlementModule } from "../modules/settlement/routes";
import { clearingModule } from "../modules/clearing/routes";
import { reconciliationModule } from "../modules/reconciliation/routes";
import { auditModule } from "../modules/audit/routes";
import { conformityModule } from "../modules/conformity/routes";
import { operatorModule } from "../modules/operator/routes";
import { notificationsModule } from "../modules/notifications/routes";
import { documentsModule } from "../modules/documents/routes";

export const MODULES: DomainModule[] = [
  onboardingModule,
  approvalsModule,
  invoicesModule,
  receivablesModule,
  financingModule,
  settlementModule,
  clearingModule,
  reconciliationModule,
  auditModule,
  conformityModule,
  operatorModule,
  notificationsModule,
  documentsModule,
];
