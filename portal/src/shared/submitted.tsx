import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get } from "../api/client";
import { StatusBadge } from "./ui";

type Kind = "certificate" | "organization" | "quote" | "financingRequest";

/**
 * What the organization's drafts waiting for an approver touch (GET /v1/drafts/waiting-subjects):
 * lists mark such an object "submitted for approval" instead of leaving it looking untouched.
 * Shares the "drafts" query key, so that drafting, approving, rejecting or withdrawing refreshes it.
 */
export function useSubmitted(): (kind: Kind, id: string) => boolean {
  const waiting = useQuery({
    queryKey: ["drafts", "waiting-subjects"],
    queryFn: () => get("/v1/drafts/waiting-subjects"),
    refetchInterval: 30_000,
  });
  const ids = new Set((waiting.data?.items ?? []).map((i) => `${i.kind}:${i.id}`));
  return (kind, id) => ids.has(`${kind}:${id}`);
}

/** The "已提交复核" mark. */
export function SubmittedMark() {
  const { t } = useTranslation("approvals");
  return (
    <span title={t("submittedHint")} data-submitted="true">
      <StatusBadge status="submitted" tone="info" label={t("submitted")} />
    </span>
  );
}
