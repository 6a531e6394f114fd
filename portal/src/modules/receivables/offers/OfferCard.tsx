/**
 * One offered certificate as its receiver reads it before deciding (签收 or 拒签), or as its
 * sender follows it (撤回): the obligor by name and code and whether it is paused, the amount,
 * maturity and term (marked beyond six months), how it came (开立, 转让, 拆分), from whom, and
 * until when the offer stands.
 */
import { useId, useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { idempotencyKey, post } from "../../../api/client";
import { CommitButton, CommitOutcome, useCommit, useDuty } from "../../../shared/commit";
import { formatDate, formatDateTime } from "../../../shared/dates";
import { Money } from "../../../shared/Money";
import { useSession } from "../../../shared/session";
import { TermText } from "../../../shared/Term";
import { Button, Field, ProblemMessage, StatusBadge } from "../../../shared/ui";
import { ObligorPausedNotice } from "./ObligorStanding";
import type { Direction, Offer } from "./queries";

/** What became of an offer the person decided on: for the page's list of outcomes. */
export interface Decision {
  receivableId: string;
  label: string;
  action: "accept" | "refuse" | "withdraw";
  /** Done directly (an operation to follow) or drafted for an approver. */
  operationId: string | null;
}

export const offerLabel = (o: Pick<Offer, "certificateId" | "receivableId">) => (o.certificateId ? `#${o.certificateId}` : o.receivableId.slice(0, 8));

const KIND_TONE = { issue: "info", transfer: "neutral", split: "neutral" } as const;

export function OfferKind({ kind }: { kind: Offer["kind"] }) {
  const { t } = useTranslation("receivables");
  return <StatusBadge status={`offer-${kind}`} tone={KIND_TONE[kind]} label={t(`offer.kind.${kind}`)} />;
}

/** A refusal's reason: 1 to 200 characters (POST /v1/receivables/refusals). */
const REASON_MAX = 200;

export function OfferCard({ offer, direction, onDecided }: { offer: Offer; direction: Direction; onDecided: (d: Decision) => void }) {
  const { t } = useTranslation("receivables");
  const headingId = useId();
  const label = offerLabel(offer);
  const decided = (action: Decision["action"]) => (operationId: string | null) => onDecided({ receivableId: offer.receivableId, label, action, operationId });
  const counterparty = direction === "incoming" ? offer.from : offer.to;
  // a core enterprise's own issued certificate: it is the obligor, no need to say so
  const ownDebt = offer.obligor.id === useSession().organization.id;
  return (
    <article className="offer-card" aria-labelledby={headingId}>
      <header className="offer-head">
        <h3 id={headingId}>
          {t("offer.certificate", { label })}
        </h3>
        <OfferKind kind={offer.kind} />
        <span className="offer-amount">
          <Money fen={offer.amount} />
        </span>
      </header>
      {direction === "incoming" && offer.obligor.paused ? <ObligorPausedNotice obligorId={offer.obligor.id} name={offer.obligor.name} /> : null}
      <dl className="details compact offer-details">
        {ownDebt ? null : (
          <>
            <dt>{t("field.obligor")}</dt>
            <dd>
              {offer.obligor.name}
              <div className="mono muted">{offer.obligor.uscc}</div>
            </dd>
          </>
        )}
        <dt>{t("field.maturity")}</dt>
        <dd>{formatDate(offer.maturity)}</dd>
        <dt>{t("field.term")}</dt>
        <dd>
          <TermText term={{ days: offer.termDays, beyondSixMonths: offer.beyondSixMonths }} />
        </dd>
        <dt>{t("offer.kindLabel")}</dt>
        <dd>{t(`offer.kindLong.${offer.kind}`)}</dd>
        <dt>{direction === "incoming" ? t("offer.from") : t("offer.to")}</dt>
        <dd>{counterparty.name ?? `${counterparty.id.slice(0, 8)}…`}</dd>
        <dt>{t("offer.expires")}</dt>
        <dd>{formatDateTime(offer.expiresAt)}</dd>
      </dl>
      <p className="offer-open">
        <Link to={`/receivables/${offer.receivableId}`}>
          {t("offer.open")}
          <span className="visually-hidden"> {label}</span>
        </Link>
      </p>
      {direction === "incoming" ? (
        <IncomingActions receivableId={offer.receivableId} label={label} smeTerm={offer.smeTermBeyond60Days} onAccepted={decided("accept")} onRefused={decided("refuse")} />
      ) : (
        <WithdrawAction receivableId={offer.receivableId} label={label} onWithdrawn={decided("withdraw")} />
      )}
    </article>
  );
}

/** 签收 and 拒签 (with a reason) of one offered certificate, by its receiver. */
export function IncomingActions({
  receivableId,
  label,
  smeTerm,
  onAccepted,
  onRefused,
}: {
  receivableId: string;
  label: string;
  /** A large enterprise pays this SME beyond 60 days of delivery: signing for it needs its explicit agreement (802号令). */
  smeTerm?: { deliveredOn: string; deliveredBy: "waybill" | "invoice"; daysAfterDelivery: number } | null;
  onAccepted: (op: string | null) => void;
  onRefused: (op: string | null) => void;
}) {
  const { t } = useTranslation("receivables");
  const [agreed, setAgreed] = useState(false);
  const [refusing, setRefusing] = useState(false);
  const [reason, setReason] = useState("");
  const [tried, setTried] = useState(false);
  const accept = useCommit("/v1/receivables/acceptances", { onDone: (o) => onAccepted(o.kind === "done" ? (o.data.items[0]?.operation.id ?? null) : null) });
  const refuse = useCommit("/v1/receivables/refusals", { onDone: (o) => onRefused(o.kind === "done" ? (o.data.items[0]?.operation.id ?? null) : null) });
  const text = reason.trim();
  const reasonError = tried && text.length === 0 ? t("offer.reasonRequired") : undefined;
  const submitRefusal = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (text.length > 0) refuse.mutate({ body: { receivableIds: [receivableId], reason: text } });
  };
  if (accept.mode === "hidden") return null;
  return (
    <div className="offer-actions">
      {smeTerm && !refusing ? (
        <div className="notice notice-warning sme-term">
          <p>{t("offer.smeTerm", { days: smeTerm.daysAfterDelivery, date: formatDate(smeTerm.deliveredOn), source: t(`offer.smeTermSource.${smeTerm.deliveredBy}`) })}</p>
          <label className="checkbox">
            <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} /> {t("offer.smeTermAgree", { days: smeTerm.daysAfterDelivery })}
          </label>
        </div>
      ) : null}
      {!refusing ? (
        <div className="actions">
          <CommitButton
            commit={accept}
            label={t("offer.accept", { label })}
            onClick={() => accept.mutate({ body: { receivableIds: [receivableId], ...(smeTerm ? { agreeToTermBeyond60Days: agreed } : {}) } })}
            disabled={accept.isSuccess || (!!smeTerm && !agreed)}
          />
          <Button variant="secondary" onClick={() => setRefusing(true)} disabled={accept.isPending || accept.isSuccess} data-write={accept.mode}>
            {t("offer.refuse")}
            <span className="visually-hidden"> {label}</span>
          </Button>
        </div>
      ) : (
        <form className="stack" onSubmit={submitRefusal} noValidate>
          <Field label={t("offer.reason")} hint={t("offer.reasonHint", { max: REASON_MAX })} error={reasonError}>
            {(p) => <textarea {...p} required maxLength={REASON_MAX} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <div className="actions">
            <CommitButton type="submit" variant="danger" commit={refuse} label={t("offer.confirmRefuse", { label })} disabled={refuse.isSuccess} />
            <Button variant="link" onClick={() => setRefusing(false)} disabled={refuse.isPending}>
              {t("common:action.cancel")}
            </Button>
          </div>
        </form>
      )}
      <CommitOutcome commit={accept} />
      <CommitOutcome commit={refuse} />
    </div>
  );
}

/** The sender takes its offer back (not a four-eyes action: a clerk may withdraw). */
export function WithdrawAction({ receivableId, label, onWithdrawn }: { receivableId: string; label: string; onWithdrawn: (op: string | null) => void }) {
  const { t } = useTranslation("receivables");
  const { canPrepare } = useDuty();
  const withdraw = useMutation({
    mutationFn: () => post("/v1/receivables/offer-withdrawals", { params: { header: { "idempotency-key": idempotencyKey() } }, body: { receivableIds: [receivableId] } }),
    onSuccess: (data) => onWithdrawn(data.items[0]?.operation.id ?? null),
  });
  if (!canPrepare) return null;
  return (
    <div className="offer-actions">
      <div className="actions">
        {canPrepare ? (
          <Button variant="secondary" data-write="prepare" busy={withdraw.isPending} disabled={withdraw.isSuccess} onClick={() => withdraw.mutate()}>
            {t("offer.withdraw")}
            <span className="visually-hidden"> {label}</span>
          </Button>
        ) : null}
      </div>
      <ProblemMessage error={withdraw.error} />
    </div>
  );
}
