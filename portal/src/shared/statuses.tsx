/**
 * The status badges of a certificate and of a financing as the financing, clearing,
 * reconciliation and audit pages show them (labels from the financing catalogue). The receivables
 * pages label a certificate's status from their own catalogue (modules/receivables/shared.tsx).
 */
import { useTranslation } from "react-i18next";
import type { Schemas } from "../api/client";
import { StatusBadge } from "./ui";

/** Tone of a certificate's status. */
const RECEIVABLE_TONE: Record<string, "neutral" | "info" | "success" | "warning" | "danger"> = {
  registering: "info",
  pending: "info",
  offered: "info",
  confirmed: "success",
  financed: "info",
  split: "neutral",
  settled: "success",
  overdue: "warning",
  defaulted: "danger",
  rejected: "danger",
  cancelled: "neutral",
  void: "neutral",
  failed: "danger",
};

/** Tone of a certificate's status, for the receivables pages' own badge too. */
export const receivableTone = (status: string) => RECEIVABLE_TONE[status];

export function ReceivableStatus({ status }: { status: string }) {
  const { t } = useTranslation("financing");
  return <StatusBadge status={status} tone={RECEIVABLE_TONE[status]} label={t(`rstatus.${status}`, { defaultValue: status })} />;
}

const FIN_TONE = { registry_check: "info", submitting: "info", funded: "success", failed: "danger" } as const;

export function FinancingStatus({ status }: { status: Schemas["Financing"]["status"] }) {
  const { t } = useTranslation("financing");
  return <StatusBadge status={status} tone={FIN_TONE[status]} label={t(`finStatus.${status}`)} />;
}
