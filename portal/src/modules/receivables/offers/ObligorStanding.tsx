/**
 * A core enterprise paused as a delinquent obligor (GET /v1/obligors/{id}/standing): it may neither
 * issue (开立) nor confirm (确权) while one of its certificates is overdue beyond the grace period.
 * Shown to a supplier before it signs for a certificate that obligor owes, and to the core
 * enterprise itself where it would issue or confirm, naming the certificates to pay.
 */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, isProblem, type Schemas } from "../../../api/client";
import { formatDate, formatDateTime } from "../../../shared/dates";
import { Notice } from "../../../shared/ui";

export type Standing = Schemas["ObligorStanding"];

export function useStanding(organizationId: string | null | undefined) {
  return useQuery({
    queryKey: ["obligors", "standing", organizationId],
    queryFn: () => get("/v1/obligors/{organizationId}/standing", { params: { path: { organizationId: organizationId! } } }),
    enabled: !!organizationId,
    staleTime: 30_000,
  });
}

const certificates = (ids: string[]) => ids.map((id) => `#${id}`).join("、");

/** The certificates named by a 409 OBLIGOR.PAUSED problem (its `certificateIds`), when it is one. */
export function pausedCertificates(error: unknown): string[] | null {
  if (!isProblem(error, 409) || error.code !== "OBLIGOR.PAUSED") return null;
  const ids = error.extensions.certificateIds;
  return Array.isArray(ids) ? ids.map(String) : [];
}

/** For the core enterprise itself: why it may not issue or confirm now, and what to pay. */
export function OwnPauseNotice({ standing, certificateIds }: { standing?: Standing; certificateIds?: string[] | null }) {
  const { t } = useTranslation("receivables");
  const ids = certificateIds ?? (standing?.paused ? standing.certificateIds : null);
  if (!ids) return null;
  return (
    <Notice tone="danger">
      <strong>{t("standing.ownPaused")}</strong> {ids.length ? t("standing.ownOverdue", { certificates: certificates(ids) }) : t("standing.ownOverdueUnnamed")}
      {standing?.since ? ` ${t("standing.since", { date: formatDateTime(standing.since) })}` : ""} {t("standing.ownCure")}
    </Notice>
  );
}

/** For a supplier about to sign: the obligor is paused, and which of its certificates are overdue. */
export function ObligorPausedNotice({ obligorId, name }: { obligorId: string; name: string }) {
  const { t } = useTranslation("receivables");
  const standing = useStanding(obligorId);
  const s = standing.data;
  return (
    <Notice tone="warning" quiet>
      <strong>{t("standing.paused", { name })}</strong> {t("standing.pausedMeaning")}
      {s?.paused && s.certificateIds.length ? ` ${t("standing.overdue", { certificates: certificates(s.certificateIds) })}` : ""}
      {s?.since ? ` ${t("standing.since", { date: formatDate(s.since) })}` : ""}
    </Notice>
  );
}
