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

/**
 * The requests (ids) on which this bank has an open quote whose financing agreement it has not
 * signed: the agreements waiting for its signature, matched to its open quotes (a withdrawn or
 * expired quote's agreement can no longer be signed, so it is not counted).
 */
export function useUnsignedAgreements(requests: { request: Schemas["FinancingRequest"]; receivable: Schemas["Receivable"] }[], enabled: boolean) {
  const waiting = useQuery({
    queryKey: ["documents", "agreements", "awaiting-quote"],
    queryFn: () => get("/v1/documents", { params: { query: { kind: "agreement", awaiting: "quote", limit: 100 } } }),
    enabled,
  });
  const docs = waiting.data?.items ?? [];
  const candidates = requests.filter((x) => x.request.status === "open" && docs.some((d) => d.receivableId === x.receivable.certificateId)).map((x) => x.request.id);
  const quotes = useQuery({
    queryKey: ["quotes", "unsigned", ...candidates],
    queryFn: async () => Promise.all(candidates.map(async (id) => ({ id, items: (await get("/v1/financing-requests/{id}/quotes", { params: { path: { id } } })).items }))),
    enabled: enabled && candidates.length > 0,
  });
  return new Set(
    (quotes.data ?? []).filter((r) => r.items.some((q) => q.status === "open" && docs.some((d) => d.subject === q.id))).map((r) => r.id),
  );
}
