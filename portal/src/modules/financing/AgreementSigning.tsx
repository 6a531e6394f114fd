/**
 * The financing agreement (融资协议) of a quote on the quote's card: the bank's approver signs it
 * when it quotes (offered at once after quoting, and shown while unsigned), the supplier's approver
 * signs it as it accepts (AcceptWithSignature). Clerks read that their approver signs.
 */
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, type Schemas } from "../../api/client";
import { useDuty } from "../../shared/commit";
import { SignDialog } from "../../shared/signing";
import { Button } from "../../shared/ui";

type Quote = Schemas["Quote"];

export const agreementKey = (quoteId: string) => ["documents", "agreement", quoteId] as const;

/** The bank's view of its own quote's agreement: signed, or to sign (approvers), or for the approver to sign (clerks). */
export function BankAgreement({ quote, signNow, onSignNowDone }: { quote: Quote; signNow: boolean; onSignNowDone: () => void }) {
  const { t } = useTranslation("financing");
  const duty = useDuty();
  const [open, setOpen] = useState(false);
  const agreement = useQuery({ queryKey: agreementKey(quote.id), queryFn: () => get("/v1/quotes/{id}/agreement", { params: { path: { id: quote.id } } }) });
  const signed = agreement.data?.signers.find((s) => s.act === "quote")?.signed;
  if (!agreement.data) return null;
  const dialogOpen = !signed && quote.status === "open" && duty.canCommit && (open || signNow);
  const close = () => {
    setOpen(false);
    onSignNowDone();
  };
  return (
    <div className="agreement-status">
      <p>
        <span className={signed ? "badge badge-success" : "badge badge-warning"}>{signed ? t("agreement.bankSigned") : t("agreement.bankUnsigned")}</span>
      </p>
      {!signed && quote.status === "open" ? (
        duty.canCommit ? (
          <div className="actions">
            <Button variant="primary" data-write="direct" onClick={() => setOpen(true)}>
              {t("agreement.sign")}
            </Button>
          </div>
        ) : (
          <p className="muted">{t("agreement.approverSigns")}</p>
        )
      ) : null}
      {dialogOpen ? (
        <SignDialog
          target={{ quoteId: quote.id }}
          act="quote"
          onClose={close}
          onSigned={() => {
            close();
            void agreement.refetch();
          }}
        />
      ) : null}
    </div>
  );
}
