/**
 * On a certificate's page while it is offered: its receiver accepts (签收) or refuses (拒签) it,
 * told first when its obligor is paused; its sender may withdraw it (撤回). The operation is
 * followed until the ledger has it, and the page reads the certificate again.
 */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { queryClient } from "../../../api/client";
import { useLiveOperation } from "../../../api/live";
import { useSession } from "../../../shared/session";
import { Card } from "../../../shared/ui";
import { OperationStatus, certificateLabel, useOrgName, type Receivable } from "../shared";
import { IncomingActions, WithdrawAction } from "./OfferCard";
import { ObligorPausedNotice, useStanding } from "./ObligorStanding";

export function OfferDecision({ receivable: r }: { receivable: Receivable }) {
  const { t } = useTranslation("receivables");
  const session = useSession();
  const orgName = useOrgName();
  const navigate = useNavigate();
  const [operationId, setOperationId] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  const live = useLiveOperation(operationId);
  const label = certificateLabel(r);
  useEffect(() => {
    if (!live.final) return;
    // refused, a transfer or split part is its sender's again and no longer ours to see: back to the inbox
    if (refused && live.data?.status === "mined") navigate("/receivables/offers", { state: { refused: label } });
    else void queryClient.invalidateQueries({ queryKey: ["receivables"] });
  }, [live.final, live.data?.status, refused, label, navigate]);
  const me = session.organization.id;
  const offer = r.offer!;
  const receiving = offer.toOrganizationId === me;
  const sending = offer.fromOrganizationId === me;
  const standing = useStanding(receiving ? r.obligorId : null);
  if (!receiving && !sending) return null;
  return (
    <Card title={receiving ? t("detail.offeredToUs") : t("detail.offeredBy", { name: orgName(offer.toOrganizationId) })}>
      {receiving && standing.data?.paused ? <ObligorPausedNotice obligorId={r.obligorId} name={orgName(r.obligorId)} /> : null}
      {operationId ? (
        <p role="status">
          {t("detail.offerOperation")} <OperationStatus status={live.data?.status} />
        </p>
      ) : receiving ? (
        <IncomingActions
          receivableId={r.id}
          label={label}
          onAccepted={setOperationId}
          onRefused={(op) => {
            setRefused(true);
            setOperationId(op);
          }}
        />
      ) : (
        <WithdrawAction receivableId={r.id} label={label} onWithdrawn={setOperationId} />
      )}
    </Card>
  );
}
