import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, type Schemas } from "../../api/client";
import { StatusBadge } from "../../shared/ui";

export type Receivable = Schemas["Receivable"];

export const RECEIVABLE_STATUSES = [
  "registering",
  "pending",
  "offered",
  "confirmed",
  "financed",
  "split",
  "settled",
  "overdue",
  "defaulted",
  "rejected",
  "cancelled",
  "void",
  "failed",
] as const;

/**
 * The consortium's members (GET /v1/members: names, codes and roles, for everyone signed in), every
 * page of them: names for ids, and the counterparties a split or transfer may go to.
 */
export function useOrganizations() {
  return useQuery({
    queryKey: ["members"],
    queryFn: async () => {
      const items: Schemas["Member"][] = [];
      for (let after: string | undefined; ; ) {
        const page = await get("/v1/members", { params: { query: { limit: 200, ...(after ? { after } : {}) } } });
        items.push(...page.items);
        if (page.items.length < 200) return { items };
        after = page.items[page.items.length - 1].id;
      }
    },
    staleTime: 300_000,
  });
}

/** An organization's name where the caller may know it, else its id shortened. */
export function useOrgName(): (id: string | null | undefined) => string {
  const orgs = useOrganizations();
  return (id) => {
    if (!id) return "—";
    return orgs.data?.items.find((o) => o.id === id)?.legalName ?? `${id.slice(0, 8)}…`;
  };
}

/** A certificate's state, labelled as on every other page. */
export { ReceivableStatus } from "../../shared/statuses";

export function OperationStatus({ status }: { status: string | undefined }) {
  const { t } = useTranslation(["receivables", "common"]);
  if (!status) return <span className="muted">{t("common:operation.following")}</span>;
  return <StatusBadge status={status} label={t(`common:operation.${status}`)} />;
}

export const certificateLabel = (r: { certificateId: string | null; id: string }) => (r.certificateId ? `#${r.certificateId}` : r.id.slice(0, 8));

/** Why an offer went back: refused with its reason, withdrawn, or expired unaccepted. */
export function ReturnReason({ receivable }: { receivable: Receivable }) {
  const { t } = useTranslation("receivables");
  const back = receivable.offerReturn;
  if (!back) return <span className="muted">—</span>;
  return (
    <span>
      {t(`offer.returned.${back.cause}`)}
      {back.reason ? <span className="muted"> {t("offer.returnedReason", { reason: back.reason })}</span> : null}
    </span>
  );
}
