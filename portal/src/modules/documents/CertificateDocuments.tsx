/**
 * A certificate's documents on its page: each one's kind, date, who signed it and who still has to,
 * its PDF and signed copy, and the signature this organization owes when its approver is here.
 */
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useDuty } from "../../shared/commit";
import { formatDateTime } from "../../shared/dates";
import { useSession } from "../../shared/session";
import { ownUnsigned, SignDialog, type SignedDocument, type SigningAct } from "../../shared/signing";
import { Button, Card, EmptyState, QueryState } from "../../shared/ui";
import { allDocuments, documentsKey } from "./queries";
import { DocumentFiles, Signatures, Awaiting } from "./DocumentParts";
import "./documents.css";

export default function CertificateDocuments({ receivable }: { receivable: string }) {
  const { t } = useTranslation("documents");
  const docs = useQuery({ queryKey: [...documentsKey, "receivable", receivable], queryFn: () => allDocuments({ receivable }) });
  return (
    <Card title={t("certificate.title")} anchor="documents">
      <QueryState query={docs}>
        {() =>
          docs.data!.length === 0 ? (
            <EmptyState title={t("certificate.none")} />
          ) : (
            <ul className="doc-list">
              {docs.data!.map((d) => (
                <DocumentItem key={d.id} doc={d} />
              ))}
            </ul>
          )
        }
      </QueryState>
    </Card>
  );
}

function DocumentItem({ doc }: { doc: SignedDocument }) {
  const { t } = useTranslation("documents");
  const session = useSession();
  const duty = useDuty();
  const [signing, setSigning] = useState<SigningAct | null>(null);
  const owed = ownUnsigned(doc, session.organization.unifiedSocialCreditCode);
  return (
    <li className="doc-item">
      <div className="doc-head">
        <h3>{t(`kind.${doc.kind}`)}</h3>
        <span className="muted">
          {t(`occasion.${doc.occasion}`)} · {formatDateTime(doc.createdAt)}
        </span>
      </div>
      <Signatures doc={doc} />
      <Awaiting doc={doc} />
      <div className="actions">
        <DocumentFiles doc={doc} />
        {owed && duty.canCommit ? (
          <Button variant="primary" data-write="direct" onClick={() => setSigning(owed.act)}>
            {t(`act.submit.${owed.act}`)}
          </Button>
        ) : null}
      </div>
      {owed && !duty.canCommit && duty.canPrepare ? <p className="muted">{t("sign.approverWill")}</p> : null}
      {signing ? <SignDialog target={{ documentId: doc.id }} act={signing} onClose={() => setSigning(null)} onSigned={() => setSigning(null)} /> : null}
    </li>
  );
}
