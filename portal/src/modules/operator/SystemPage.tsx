/** The platform's health (GET /health, not part of the typed API) and a link to the queue dashboard. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Card, DataTable, Page, QueryState, StatusBadge } from "../../shared/ui";

type Check = { status?: unknown; ms?: unknown; error?: unknown; [k: string]: unknown };
type Health = { status?: unknown; checks?: Record<string, Check> };

/** /health answers 503 with the same JSON when a check is down: both are shown, not thrown. */
async function readHealth(): Promise<{ httpStatus: number; body: Health }> {
  const res = await fetch("/health", { credentials: "same-origin", headers: { accept: "application/json" } });
  const body = (await res.json()) as Health;
  return { httpStatus: res.status, body };
}

const text = (v: unknown) => (typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v));

export function SystemPage() {
  const { t } = useTranslation(["operator", "common"]);
  const health = useQuery({ queryKey: ["health"], queryFn: readHealth, refetchInterval: 15_000 });
  return (
    <Page title={t("system.title")}>
      <Card title={t("system.queues")}>
        <p>{t("system.queuesHint")}</p>
        <p>
          <a href="/admin/queues" target="_blank" rel="noopener">
            {t("system.openQueues")}
          </a>
        </p>
      </Card>
      <QueryState query={health}>
        {() => {
          const { httpStatus, body } = health.data!;
          const up = body.status === "up";
          const checks = Object.entries(body.checks ?? {});
          return (
            <Card title={t("system.health")}>
              <p role="status">
                <StatusBadge status={up ? "up" : "down"} tone={up ? "success" : "danger"} label={up ? t("system.up") : t("system.degraded")} /> <span className="muted">HTTP {httpStatus}</span>
              </p>
              <DataTable
                caption={t("system.checks")}
                rows={checks}
                rowKey={([name]) => name}
                columns={[
                  { key: "name", header: t("system.check"), rowHeader: true, cell: ([name]) => name },
                  {
                    key: "status",
                    header: t("org.status"),
                    cell: ([, c]) => <StatusBadge status={text(c.status)} tone={c.status === "up" ? "success" : "danger"} label={c.status === "up" ? t("system.up") : t("system.down")} />,
                  },
                  { key: "ms", header: t("system.ms"), numeric: true, cell: ([, c]) => (c.ms === undefined ? "—" : text(c.ms)) },
                  {
                    key: "detail",
                    header: t("system.detail"),
                    cell: ([, c]) => {
                      const rest = Object.entries(c).filter(([k]) => k !== "status" && k !== "ms");
                      return rest.length ? (
                        <dl className="details compact">
                          {rest.map(([k, v]) => (
                            <div key={k} className="detail-pair">
                              <dt>{k}</dt>
                              <dd className="mono">{text(v)}</dd>
                            </div>
                          ))}
                        </dl>
                      ) : (
                        "—"
                      );
                    },
                  },
                ]}
              />
              <details>
                <summary>{t("system.raw")}</summary>
                <pre className="json-view">{JSON.stringify(body, null, 2)}</pre>
              </details>
            </Card>
          );
        }}
      </QueryState>
    </Page>
  );
}
