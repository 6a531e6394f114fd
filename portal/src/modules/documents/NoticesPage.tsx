/**
 * Notices of assignment (应收账款转让通知书) waiting for the obligor's acknowledgment (回执): the core
 * enterprise's approvers open each and acknowledge it with their signature; a bank follows its
 * financings' notices not yet acknowledged (read-only).
 */
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useDuty } from "../../shared/commit";
import { formatDateTime } from "../../shared/dates";
import { useSession } from "../../shared/session";
import { ownUnsigned, SignDialog, type SignedDocument } from "../../shared/signing";
import { Button, EmptyState, Notice, Page, QueryState } from "../../shared/ui";
import { allDocuments, documentsKey } from "./queries";
import { DocumentFiles } from "./DocumentParts";
import "./documents.css";

export const noticesKey = [...documentsKey, "notices", "awaiting"] as const;

export function NoticesPage() {
  const { t } = useTranslation("documents");
  const session = useSession();
  const obligor = session.has("core_enterprise");
  const [done, setDone] = useState<string | null>(null);
  const notices = useQuery({ queryKey: noticesKey, queryFn: () => allDocuments({ kind: "notice", awaiting: "acknowledge" }), staleTime: 0 });
  return (
    <Page title={t("notices.title")}>
      <p className="muted page-intro">{obligor ? t("notices.introObligor") : t("notices.introBank")}</p>
      {done ? <Notice tone="success">{done}</Notice> : null}
      <QueryState query={notices}>
        {() =>
          notices.data!.length === 0 ? (
            <EmptyState title={t("notices.none")} />
          ) : (
            <ul className="doc-list" aria-label={t("notices.listLabel")}>
              {notices.data!.map((d) => (
                <NoticeItem key={d.id} doc={d} onAcknowledged={(text) => setDone(text)} />
              ))}
            </ul>
          )
        }
      </QueryState>
    </Page>
  );
}

function NoticeItem({ doc, onAcknowledged }: { doc: SignedDocument; onAcknowledged: (text: string) => void }) {
  const { t } = useTranslation("documents");
  const session = useSession();
  const duty = useDuty();
  const [signing, setSigning] = useState(false);
  const owed = ownUnsigned(doc, session.organization.unifiedSocialCreditCode, "acknowledge");
  const party = (role: string) => doc.parties.find((p) => p.role === role)?.organization ?? "—";
  return (
    <li className="doc-item">
      <div className="doc-head">
        <h2>{t("notices.itemTitle", { id: doc.receivableId })}</h2>
        <span className="badge badge-warning">{t("act.pending.acknowledge")}</span>
      </div>
      <dl className="details compact">
        <dt>{t("role.assignor")}</dt>
        <dd>{party("assignor")}</dd>
        <dt>{t("role.assignee")}</dt>
        <dd>{party("assignee")}</dd>
        <dt>{t("role.obligor")}</dt>
        <dd>{party("obligor")}</dd>
        <dt>{t("field.occasion")}</dt>
        <dd>
          {t(`occasion.${doc.occasion}`)} · {formatDateTime(doc.createdAt)}
        </dd>
      </dl>
      <div className="actions">
        <DocumentFiles doc={doc} />
        {owed && duty.canCommit ? (
          <Button variant="primary" data-write="direct" onClick={() => setSigning(true)}>
            {t("act.submit.acknowledge")}
            <span className="visually-hidden"> {t("notices.itemTitle", { id: doc.receivableId })}</span>
          </Button>
        ) : null}
      </div>
      {owed && !duty.canCommit ? <p className="muted">{t("sign.approverWill")}</p> : null}
      {signing ? (
        <SignDialog
          target={{ documentId: doc.id }}
          act="acknowledge"
          onClose={() => setSigning(false)}
          onSigned={() => {
            setSigning(false);
            onAcknowledged(t("notices.acknowledged", { id: doc.receivableId }));
          }}
        />
      ) : null}
    </li>
  );
}
