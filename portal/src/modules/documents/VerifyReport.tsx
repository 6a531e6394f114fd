/**
 * A verification report in words: the verdict (有效 / 待完成 / 无效), what the document is, whether
 * the ledger holds its fingerprint and where (账本凭据号), each signature and its certificate, what
 * is still awaited, and each failure as a reason, with the server's sentence as its detail.
 */
import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { formatDateTime } from "../../shared/dates";
import { Hash } from "../../shared/operation";
import { StatusBadge } from "../../shared/ui";

type VerificationReport = Schemas["VerificationReport"];
type Problem = VerificationReport["problems"][number];

const VERDICT_TONE = { valid: "success", pending: "info", invalid: "danger" } as const;
const KINDS = new Set(["certificate", "notice", "agreement"]);
const ACTS = new Set(["confirm", "sign-for", "quote", "accept", "acknowledge"]);
const ROLES = new Set(["obligor", "holder", "assignor", "assignee", "supplier", "bank"]);
const PROBLEMS = new Set([
  "CHANGED",
  "UNKNOWN_DOCUMENT",
  "SIGNATURES_MALFORMED",
  "SIGNATURE_OTHER_DOCUMENT",
  "SIGNATURE_INVALID",
  "SIGNATURE_WRONG_ACT",
  "WRONG_ORGANIZATION",
  "CERTIFICATE_UNKNOWN_ISSUER",
  "CERTIFICATE_REVOKED",
  "CERTIFICATE_EXPIRED",
  "CERTIFICATE_MALFORMED",
]);

export function Report({ report, source, fileName }: { report: VerificationReport; source: "issued" | "file"; fileName?: string }) {
  const { t } = useTranslation("documents");
  const doc = report.document;
  // the words a report's codes stand for; an unknown one (a newer server) is shown as the server said it
  const kind = (k: string) => (KINDS.has(k) ? t(`kind.${k}`) : k);
  const act = (a: string) => (ACTS.has(a) ? t(`act.name.${a}`) : a);
  const role = (r: string) => (ROLES.has(r) ? t(`role.${r}`) : r);
  const changed = report.problems.some((p) => p.code === "CHANGED");
  return (
    <section className="verify-report" aria-labelledby={`report-${source}`} data-verdict={report.verdict}>
      <div className={`verdict verdict-${report.verdict}`} role="status">
        <h2 id={`report-${source}`}>
          <StatusBadge status={report.verdict} tone={VERDICT_TONE[report.verdict]} label={t(`verdict.${report.verdict}`)} />{" "}
          {source === "file" && fileName ? t("report.ofFile", { name: fileName }) : t("report.ofIssued")}
        </h2>
        <p>{t(`verdict.means.${report.verdict}`)}</p>
      </div>

      <dl className="details verify-facts">
        <dt>{t("report.document")}</dt>
        <dd>{doc ? `${kind(doc.kind)} · ${t("field.certificateNo", { id: doc.receivableId })}` : changed ? t("report.changedDocument") : t("report.unknownDocument")}</dd>
        <dt>{t("report.fingerprint")}</dt>
        <dd>
          <code className="mono fingerprint">{report.fingerprint}</code>
        </dd>
        <dt>{t("report.onLedger")}</dt>
        <dd>{report.onLedger ? t("report.onLedgerYes") : t("report.onLedgerNo")}</dd>
        {report.ledger.map((r) => (
          <Fragment key={`${r.transaction}:${r.kind}`}>
            <dt>{t("report.ledgerReference")}</dt>
            <dd>
              <Hash value={r.transaction} /> <span className="muted">{t("report.ledgerBatch", { batch: r.block, kind: kind(r.kind) })}</span>
            </dd>
          </Fragment>
        ))}
      </dl>

      {/* a file the platform did not issue as it is: its signatures are not checked against anything */}
      {!doc ? null : <h3>{t("report.signatures")}</h3>}
      {!doc ? null : report.signatures.length === 0 ? (
        <p className="muted">{t("report.noSignatures")}</p>
      ) : (
        <ul className="verify-signatures">
          {report.signatures.map((s, i) => (
            <li key={i} className="verify-signature">
              <p className="verify-signature-head">
                <strong>{act(s.act)}</strong> · {role(s.role)} · {formatDateTime(s.signedAt)}
              </p>
              <dl className="details compact">
                <dt>{t("report.signer")}</dt>
                <dd>{s.signer ? s.signer.name : "—"}</dd>
                <dt>{t("report.organization")}</dt>
                <dd>{s.signer ? s.signer.organization : "—"}</dd>
                <dt>{t("report.uscc")}</dt>
                <dd>{s.signer ? s.signer.uscc : "—"}</dd>
                <dt>{t("report.serial")}</dt>
                <dd>{s.signer ? <code className="mono">{s.signer.serial}</code> : "—"}</dd>
                <dt>{t("report.signatureValid")}</dt>
                <dd>
                  <YesNo ok={s.signatureValid} />
                </dd>
                <dt>{t("report.certificateValid")}</dt>
                <dd>
                  <YesNo ok={s.certificateValid} />
                </dd>
              </dl>
              <Problems problems={s.problems} />
            </li>
          ))}
        </ul>
      )}

      {report.awaiting.length > 0 ? (
        <>
          <h3>{t("report.awaiting")}</h3>
          <ul className="verify-awaiting">
            {report.awaiting.map((a) => (
              <li key={a.act}>{t("report.awaitingOne", { act: act(a.act), organization: a.organization, role: role(a.role) })}</li>
            ))}
          </ul>
        </>
      ) : null}

      {report.problems.length > 0 ? (
        <>
          <h3>{t("report.problems")}</h3>
          <Problems problems={report.problems} />
        </>
      ) : null}
    </section>
  );
}

function YesNo({ ok }: { ok: boolean }) {
  const { t } = useTranslation("documents");
  return <StatusBadge status={ok ? "valid" : "invalid"} tone={ok ? "success" : "danger"} label={ok ? t("report.yes") : t("report.no")} />;
}

function Problems({ problems }: { problems: Problem[] }) {
  const { t } = useTranslation("documents");
  if (problems.length === 0) return null;
  return (
    <ul className="verify-problems">
      {problems.map((p, i) => (
        <li key={i} data-code={p.code}>
          <strong>{PROBLEMS.has(p.code) ? t(`problem.${p.code}`) : p.code}</strong>
          <details>
            <summary>{t("report.detail")}</summary>
            <p className="muted">{p.message}</p>
          </details>
        </li>
      ))}
    </ul>
  );
}
