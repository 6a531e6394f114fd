/** What the documents' lists show of each: its files, who signed it, who still has to. */
import { useTranslation } from "react-i18next";
import { formatDateTime } from "../../shared/dates";
import type { SignedDocument } from "../../shared/signing";
import { pdfUrl } from "./queries";

export function DocumentFiles({ doc }: { doc: SignedDocument }) {
  const { t } = useTranslation("documents");
  const kind = t(`kind.${doc.kind}`);
  return (
    <>
      <a className="btn btn-secondary" href={pdfUrl(doc.id)} download>
        {t("files.pdf")}
        <span className="visually-hidden"> {kind}</span>
      </a>
      {doc.signatures.length > 0 ? (
        <a className="btn btn-secondary" href={pdfUrl(doc.id, true)} download>
          {t("files.signed")}
          <span className="visually-hidden"> {kind}</span>
        </a>
      ) : null}
    </>
  );
}

export function Signatures({ doc }: { doc: SignedDocument }) {
  const { t } = useTranslation("documents");
  if (doc.signatures.length === 0) return null;
  return (
    <ul className="doc-signatures" aria-label={t("list.signedBy")}>
      {doc.signatures.map((s) => (
        <li key={s.act}>
          <span className="badge badge-success">{t(`act.done.${s.act}`)}</span> {t("list.signature", { name: s.signer, organization: s.organization, time: formatDateTime(s.signedAt) })}
        </li>
      ))}
    </ul>
  );
}

export function Awaiting({ doc }: { doc: SignedDocument }) {
  const { t } = useTranslation("documents");
  const open = doc.signers.filter((s) => !s.signed);
  if (open.length === 0) return null;
  return (
    <ul className="doc-awaiting" aria-label={t("list.awaiting")}>
      {open.map((s) => (
        <li key={s.act}>
          <span className="badge badge-warning">{t(`act.pending.${s.act}`)}</span> {t("list.awaitingOf", { organization: s.organization, role: t(`role.${s.role}`, { defaultValue: s.role }) })}
        </li>
      ))}
    </ul>
  );
}
