import { useTranslation } from "react-i18next";
import { StatusBadge } from "./ui";
import { checkUscc, type UsccCheck } from "./uscc";

/** "valid" or "invalid: reason" for a unified social credit code. */
export function usccText(t: (key: string, values?: Record<string, unknown>) => string, check: UsccCheck): string {
  if (check.ok) return t("uscc.valid");
  const { reason, ...values } = check;
  return t("uscc.invalid", { reason: t(`uscc.${reason}`, values) });
}

export function UsccResult({ code }: { code: string }) {
  const { t } = useTranslation("operator");
  const check = checkUscc(code);
  return (
    <span className="uscc">
      <span className="mono">{code}</span>{" "}
      <StatusBadge status={check.ok ? "valid" : "invalid"} tone={check.ok ? "success" : "danger"} label={check.ok ? t("uscc.valid") : t("uscc.invalidShort")} />
      {!check.ok ? <span className="reason">{usccText(t, check)}</span> : null}
    </span>
  );
}
