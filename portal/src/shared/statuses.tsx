/**
 * The status badges of a certificate and of a financing, on every page that shows them. A
 * certificate's state has one label wherever it appears: the receivables catalogue's `status.*`
 * (确权, not 确认: the trade's word for the core enterprise confirming a payable).
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

export function ReceivableStatus({ status }: { status: string }) {
  const { t } = useTranslation("receivables");
  return <StatusBadge status={status} tone={RECEIVABLE_TONE[status]} label={t(`status.${status}`, { defaultValue: status })} />;
}

const FIN_TONE = { registry_check: "info", submitting: "info", funded: "success", failed: "danger" } as const;

export function FinancingStatus({ status }: { status: Schemas["Financing"]["status"] }) {
  const { t } = useTranslation("financing");
  return <StatusBadge status={status} tone={FIN_TONE[status]} label={t(`finStatus.${status}`)} />;
}
