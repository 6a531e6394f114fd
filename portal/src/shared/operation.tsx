/**
 * A ledger operation followed live, and a transaction hash shown short: the financing, settlement,
 * clearing, reconciliation, operator and audit pages show them.
 */
import { useTranslation } from "react-i18next";
import { useLive } from "../api/live";
import { ProblemMessage, StatusBadge } from "./ui";
import { codeText } from "../i18n/problem";

/** A transaction or block hash, shortened, with the whole value for screen readers and copy. */
export function Hash({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  const short = value.length > 18 ? `${value.slice(0, 10)}…${value.slice(-6)}` : value;
  return (
    <code className="mono" title={value}>
      <span aria-hidden="true">{short}</span>
      <span className="visually-hidden">{value}</span>
    </code>
  );
}

const OP_TONE = { pending: "info", submitted: "info", mined: "success", failed: "danger" } as const;

/** A ledger operation followed until it is mined or failed (GET /v1/operations/{id}, Prefer: wait). */
export function LiveOperation({ id }: { id: string | null | undefined }) {
  const { t } = useTranslation("common");
  const live = useLive(id ? { kind: "operation", id } : null);
  if (!id) return null;
  if (live.error) return <ProblemMessage error={live.error} />;
  const op = live.data && "kind" in live.data ? live.data : undefined;
  return (
    <div className="live-op" role="status" aria-live="polite">
      {op ? (
        <>
          <StatusBadge status={op.status} tone={OP_TONE[op.status]} label={t(`operation.${op.status}`)} />
          {!live.final ? <span className="muted"> {t("operation.following")}</span> : null}
          {op.txHash ? (
            <span className="muted">
              {" "}
              <Hash value={op.txHash} />
            </span>
          ) : null}
          {op.error ? <div className="reason">{codeText(op.error.code, op.error.message)}</div> : null}
        </>
      ) : (
        <span className="muted">{t("operation.following")}</span>
      )}
    </div>
  );
}
