/**
 * One financing followed live until its funds arrive: the API holds GET /v1/financings/{id} open
 * (Prefer: wait) until the status changes, and each step shows when it is done.
 */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { get } from "../../api/client";
import type { Financing } from "../../api/live";
import { useLive } from "../../api/live";
import { useSession } from "../../shared/session";
import { formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { Card, Loading, Notice, Page, ProblemMessage } from "../../shared/ui";
import { Hash, LiveOperation } from "../../shared/operation";
import { useOrgNames } from "../../shared/organizations";
import { FinancingStatus } from "../../shared/statuses";
import { codeText } from "../../i18n/problem";

const STEPS = ["accepted", "registry_check", "submitting", "funded"] as const;
type Step = (typeof STEPS)[number];

function reached(f: Financing): number {
  if (f.status === "funded") return 3;
  if (f.status === "submitting") return 2;
  if (f.status === "registry_check") return 1;
  // failed: the step it failed at is the one after what was done; the registry id tells how far it went
  return f.registryRegistrationId ? 2 : 1;
}

export function FinancingDetailPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation(["financing", "common"]);
  const session = useSession();
  const name = useOrgNames();
  const live = useLive({ kind: "financing", id });
  const f = live.data && !("kind" in live.data) ? live.data : undefined;
  const receivable = useQuery({
    queryKey: ["receivables", "one", f?.receivableId],
    queryFn: () => get("/v1/receivables/{id}", { params: { path: { id: f!.receivableId } } }),
    enabled: f !== undefined,
  });

  return (
    <Page
      title={t("financing.title")}
      actions={
        <Link className="btn btn-secondary" to="/financing/financings">
          {t("nav.financings")}
        </Link>
      }
    >
      {live.error ? <ProblemMessage error={live.error} /> : null}
      {!f && !live.error ? <Loading /> : null}
      {f ? (
        <>
          <Card title={t("financing.progress")}>
            <p role="status" aria-live="polite">
              <FinancingStatus status={f.status} /> {!live.final ? <span className="muted">{t("financing.following")}</span> : null}
            </p>
            <ol className="steps">
              {STEPS.map((s: Step, i) => {
                const done = i === 0 || (f.status === "funded" ? true : i < reached(f));
                const current = f.status !== "funded" && f.status !== "failed" && i === reached(f);
                const failedHere = f.status === "failed" && i === reached(f);
                return (
                  <li key={s} className={["step", done ? "done" : null, current ? "current" : null, failedHere ? "failed" : null].filter(Boolean).join(" ")} aria-current={current ? "step" : undefined}>
                    <span className="step-mark" aria-hidden="true">
                      {failedHere ? "✕" : done ? "✓" : i + 1}
                    </span>
                    <span className="step-label">{t(`step.${s}`)}</span>
                    <span className="visually-hidden">{failedHere ? t("step.failed") : done ? t("step.done") : current ? t("step.current") : t("step.waiting")}</span>
                    {s === "accepted" ? <span className="muted step-time">{formatDateTime(f.acceptedAt)}</span> : null}
                    {s === "registry_check" && f.registryRegistrationId ? <span className="muted step-time">{t("financing.registry", { id: f.registryRegistrationId })}</span> : null}
                    {s === "funded" && f.fundedAt ? <span className="muted step-time">{formatDateTime(f.fundedAt)}</span> : null}
                  </li>
                );
              })}
            </ol>
            {f.status === "funded" ? <Notice tone="success">{t("financing.fundsArrived", { time: formatDateTime(f.fundedAt) })}</Notice> : null}
            {f.failure ? (
              <Notice tone="danger">
                {t("financing.failed")} {codeText(f.failure.code, f.failure.reason)} <span className="mono">({f.failure.code})</span>
              </Notice>
            ) : null}
          </Card>
          <Card title={t("financing.terms")}>
            <dl className="details">
              <dt>{t("field.supplier")}</dt>
              <dd>{name(f.supplierId)}</dd>
              <dt>{t("field.bank")}</dt>
              <dd>{name(f.bankId)}</dd>
              <dt>{t("quote.advance")}</dt>
              <dd>
                <Money fen={f.advance} />
              </dd>
              <dt>{t("quote.due")}</dt>
              <dd>
                <Money fen={f.due} />
              </dd>
              <dt>{t("quote.recourse")}</dt>
              <dd>{f.recourse ? t("quote.withRecourse") : t("quote.withoutRecourse")}</dd>
              <dt>{t("field.filingNumber")}</dt>
              <dd className="mono">{f.registryRegistrationId ?? "—"}</dd>
              <dt>{t("field.certificate")}</dt>
              <dd>
                {receivable.data?.certificateId ? t("field.certificateNo", { id: receivable.data.certificateId }) : <Hash value={f.receivableId} />}
              </dd>
              {f.operationId ? (
                <>
                  <dt>{t("financing.ledger")}</dt>
                  <dd>
                    <LiveOperation id={f.operationId} />
                  </dd>
                </>
              ) : null}
            </dl>
            {session.has("bank") || session.has("operator") || session.has("auditor") ? (
              <p>
                <Link to={`/clearing/${f.receivableId}`}>{t("financing.clearingHistory")}</Link>
              </p>
            ) : null}
          </Card>
        </>
      ) : null}
    </Page>
  );
}
