/**
 * Small pieces the financing, settlement, clearing, reconciliation, operator and audit pages share:
 * percentages typed by a person turned into basis points with integer arithmetic (never floats),
 * a ledger operation followed live, a transaction hash shown short, and organization names.
 */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get } from "../../api/client";
import { useLive } from "../../api/live";
import { useSession } from "../../app/session";
import { ProblemMessage, StatusBadge } from "../../shared/ui";

/** 435 → "4.35%". Integer arithmetic only. */
export function formatBp(bp: number | null | undefined): string {
  if (bp === null || bp === undefined || !Number.isInteger(bp)) return "—";
  const negative = bp < 0;
  const v = Math.abs(bp);
  return `${negative ? "-" : ""}${Math.trunc(v / 100)}.${String(v % 100).padStart(2, "0")}%`;
}

export type BpParse = { ok: true; bp: number } | { ok: false; reason: "empty" | "format" | "precision" | "range" };

const PERCENT = /^(\d{1,5})(?:\.(\d*))?$/;

/**
 * A percentage typed by a person → basis points: "4.35" → 435, "80" → 8000, "0.5%" → 50. More than
 * two decimals is refused, not rounded. Parsed from the digits, never through a float.
 */
export function parsePercentToBp(input: string, { min = 0, max = 10_000 } = {}): BpParse {
  const text = input.replace(/[\s%％]/g, "").replace("，", ".");
  if (text === "") return { ok: false, reason: "empty" };
  const m = PERCENT.exec(text);
  if (!m) return { ok: false, reason: "format" };
  const [, whole, decimals = ""] = m;
  if (decimals.length > 2) return { ok: false, reason: "precision" };
  const bp = Number.parseInt(whole, 10) * 100 + Number.parseInt(decimals.padEnd(2, "0") || "0", 10);
  if (bp < min || bp > max) return { ok: false, reason: "range" };
  return { ok: true, bp };
}

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
          {op.error ? <div className="reason">{op.error.message}</div> : null}
        </>
      ) : (
        <span className="muted">{t("operation.following")}</span>
      )}
    </div>
  );
}

/** The consortium's member directory (GET /v1/members: names, codes, roles), every page of it. */
export function useMembers(role?: "core_enterprise" | "supplier" | "bank" | "settlement_issuer" | "auditor" | "operator") {
  return useQuery({
    queryKey: ["members", role ?? "all"],
    queryFn: async () => {
      const all = [];
      let after: string | undefined;
      for (let i = 0; i < 50; i++) {
        const page = await get("/v1/members", { params: { query: { limit: 200, ...(after ? { after } : {}), ...(role ? { role } : {}) } } });
        all.push(...page.items);
        if (page.items.length < 200) break;
        after = page.items[page.items.length - 1].id;
      }
      return all;
    },
    staleTime: 60_000,
  });
}

/**
 * Organization names by id, from the member directory (active and suspended members) and, for
 * operators and auditors, every organization; unknown ids fall back to a short id.
 */
export function useOrgNames() {
  const session = useSession();
  const all = session.has("operator") || session.has("auditor");
  const members = useMembers();
  const q = useQuery({
    queryKey: ["organizations", "names"],
    queryFn: () => get("/v1/organizations", { params: { query: { limit: 200 } } }),
    enabled: all,
    staleTime: 60_000,
  });
  const names = new Map<string, string>([[session.organization.id, session.organization.legalName]]);
  for (const o of members.data ?? []) names.set(o.id, o.legalName);
  for (const o of q.data?.items ?? []) names.set(o.id, o.legalName);
  return (id: string | null | undefined, fallback?: string | null): string => {
    if (!id) return "—";
    return names.get(id) ?? fallback ?? `${id.slice(0, 8)}…`;
  };
}

/** Tone of a certificate's status. */
export const RECEIVABLE_TONE: Record<string, "neutral" | "info" | "success" | "warning" | "danger"> = {
  registering: "info",
  pending: "info",
  confirmed: "success",
  financed: "info",
  split: "neutral",
  settled: "success",
  overdue: "warning",
  defaulted: "danger",
  rejected: "danger",
  cancelled: "neutral",
  failed: "danger",
};
