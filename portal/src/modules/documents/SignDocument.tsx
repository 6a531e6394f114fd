/**
 * The signing dialog: what is signed (the document in the trade's words, its parties, the PDF to
 * read), then the person's signing key — set up here the first time (a passphrase typed twice; the
 * key stays in this browser, the CA certifies its public half) — and the passphrase that signs.
 * A modal <dialog>: focus moves in and comes back, Escape closes it.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, post, queryClient } from "../../api/client";
import { useSession } from "../../shared/session";
import type { SignDialogProps, SignedDocument } from "../../shared/signing";
import { Button, Field, Loading, Notice, ProblemMessage } from "../../shared/ui";
import { certificateFor, certificatesKey, myCertificates } from "./enrolment";
import { documentsKey, pdfUrl } from "./queries";
import "./documents.css";

const MIN_PASSPHRASE = 8;

const loadKeystore = () => import("./keystore");
type Keystore = Awaited<ReturnType<typeof loadKeystore>>;

export default function SignDocument({ target, act, onClose, onSigned }: SignDialogProps) {
  const { t } = useTranslation(["documents", "common"]);
  const session = useSession();
  const person = session.user.id;
  const dialog = useRef<HTMLDialogElement>(null);
  const [keystore, setKeystore] = useState<Keystore | null>(null);
  const [keyFailed, setKeyFailed] = useState<unknown>(null);
  const [hasKey, setHasKey] = useState(false);
  const [justSetUp, setJustSetUp] = useState(false);

  const doc = useQuery({
    queryKey: [...documentsKey, "target", "documentId" in target ? target.documentId : `quote:${target.quoteId}`],
    queryFn: () =>
      "documentId" in target
        ? get("/v1/documents/{id}", { params: { path: { id: target.documentId } } })
        : get("/v1/quotes/{id}/agreement", { params: { path: { id: target.quoteId } } }),
    staleTime: 0,
  });

  useEffect(() => {
    const el = dialog.current;
    const opener = document.activeElement as HTMLElement | null;
    if (el && !el.open) el.showModal();
    return () => {
      el?.close();
      opener?.focus();
    };
  }, []);

  useEffect(() => {
    let live = true;
    loadKeystore().then(
      (k) => {
        if (!live) return;
        setKeystore(k);
        setHasKey(k.hasKey(person));
      },
      (e: unknown) => live && setKeyFailed(e),
    );
    return () => {
      live = false;
    };
  }, [person]);

  const d = doc.data;
  const signer = d?.signers.find((s) => s.act === act);
  const titleId = useId();
  return (
    <dialog
      ref={dialog}
      className="sign-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="sign-dialog-head">
        <h2 id={titleId}>{t(`act.title.${act}`)}</h2>
        <button type="button" className="dialog-close" aria-label={t("common:action.close")} onClick={onClose}>
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
        </button>
      </div>
      {doc.error ? <ProblemMessage error={doc.error} /> : null}
      {keyFailed ? <ProblemMessage error={keyFailed} /> : null}
      {!d || !keystore ? (
        doc.error || keyFailed ? null : <Loading />
      ) : (
        <>
          <WhatIsSigned doc={d} act={act} />
          {!window.isSecureContext || !globalThis.crypto?.subtle ? (
            // WebCrypto, which keeps the key encrypted, exists only on a secure connection
            <Notice tone="danger">{t("sign.insecure")}</Notice>
          ) : !signer ? (
            <Notice tone="danger">{t("sign.notAnAct")}</Notice>
          ) : signer.signed ? (
            <>
              <Notice tone="success">{t("sign.already")}</Notice>
              <div className="actions">
                <Button variant="primary" onClick={() => onSigned(d)}>
                  {t("sign.continue")}
                </Button>
              </div>
            </>
          ) : !hasKey ? (
            <SetUpKey
              keystore={keystore}
              person={person}
              onReady={() => {
                setHasKey(true);
                setJustSetUp(true);
              }}
            />
          ) : (
            <SignStep
              keystore={keystore}
              person={person}
              doc={d}
              act={act}
              justSetUp={justSetUp}
              onSigned={onSigned}
              onForgotten={() => {
                setHasKey(false);
                setJustSetUp(false);
              }}
            />
          )}
        </>
      )}
    </dialog>
  );
}

/** The document in the trade's words: its kind, certificate, parties, who signs what, and the PDF. */
function WhatIsSigned({ doc, act }: { doc: SignedDocument; act: SignDialogProps["act"] }) {
  const { t } = useTranslation("documents");
  return (
    <div className="sign-what">
      <p className="sign-kind">
        <strong>{t(`kind.${doc.kind}`)}</strong> · {t("field.certificateNo", { id: doc.receivableId })}
      </p>
      <ul className="sign-parties" aria-label={t("field.parties")}>
        {doc.parties.map((p) => (
          <li key={p.role}>
            <span className="sign-party-role">{t(`role.${p.role}`, { defaultValue: p.role })}</span>
            <span className="sign-party-name">{p.organization}</span>
            <span className="muted sign-party-uscc">{t("field.usccOf", { uscc: p.uscc })}</span>
          </li>
        ))}
      </ul>
      <p>{t(`act.means.${act}`)}</p>
      <p>
        <a href={pdfUrl(doc.id)} target="_blank" rel="noreferrer" download>
          {t("sign.openPdf", { kind: t(`kind.${doc.kind}`) })}
        </a>
      </p>
    </div>
  );
}

/** First signature in this browser: a passphrase typed twice makes the key; the CA certifies it. */
function SetUpKey({ keystore, person, onReady }: { keystore: Keystore; person: string; onReady: () => void }) {
  const { t } = useTranslation("documents");
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const [errors, setErrors] = useState<{ passphrase?: string; again?: string }>({});
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const setUp = useMutation({
    mutationFn: async () => {
      if (!keystore.hasKey(person)) await keystore.createKey(person, passphrase);
      // the CA certifies it now, so that signing later needs nothing more than the passphrase
      await certificateFor(keystore, person, passphrase);
    },
    onSuccess: onReady,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = {
      passphrase: passphrase.length < MIN_PASSPHRASE ? t("key.tooShort", { min: MIN_PASSPHRASE }) : undefined,
      again: passphrase.length >= MIN_PASSPHRASE && again !== passphrase ? t("key.mismatch") : undefined,
    };
    setErrors(next);
    if (!next.passphrase && !next.again) setUp.mutate();
  };
  return (
    <form className="stack sign-step" onSubmit={submit} noValidate>
      <h3>{t("key.title")}</h3>
      <ul className="key-facts">
        <li>{t("key.stays")}</li>
        <li>{t("key.never")}</li>
        <li>{t("key.forgotten")}</li>
      </ul>
      <Field label={t("key.passphrase")} hint={t("key.passphraseHint", { min: MIN_PASSPHRASE })} error={errors.passphrase}>
        {(p) => <input {...p} ref={first} type="password" autoComplete="new-password" minLength={MIN_PASSPHRASE} value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />}
      </Field>
      <Field label={t("key.again")} error={errors.again}>
        {(p) => <input {...p} type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />}
      </Field>
      <ProblemMessage error={setUp.error} />
      <div className="actions">
        <Button type="submit" variant="primary" busy={setUp.isPending}>
          {t("key.create")}
        </Button>
      </div>
    </form>
  );
}

function SignStep({
  keystore,
  person,
  doc,
  act,
  justSetUp,
  onSigned,
  onForgotten,
}: {
  keystore: Keystore;
  person: string;
  doc: SignedDocument;
  act: SignDialogProps["act"];
  justSetUp: boolean;
  onSigned: (d: SignedDocument) => void;
  onForgotten: () => void;
}) {
  const { t } = useTranslation("documents");
  const [passphrase, setPassphrase] = useState("");
  const [wrong, setWrong] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const message = doc.signers.find((s) => s.act === act)?.message ?? null;
  const sign = useMutation({
    mutationFn: async () => {
      if (!message) throw new Error(t("sign.notReady"));
      const certificate = await certificateFor(keystore, person, passphrase);
      const signature = await keystore.signWith(person, passphrase, message);
      return post("/v1/documents/{id}/signatures", { params: { path: { id: doc.id } }, body: { act, certificate, signature } });
    },
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: documentsKey });
      onSigned(r.document);
    },
    onError: (e) => {
      if (e instanceof keystore.WrongPassphrase) {
        setWrong(true);
        input.current?.focus();
      }
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setWrong(false);
    if (passphrase) sign.mutate();
    else input.current?.focus();
  };
  const otherError = sign.error && !(sign.error instanceof keystore.WrongPassphrase) ? sign.error : null;
  return (
    <form className="stack sign-step" onSubmit={submit} noValidate>
      {justSetUp ? <Notice tone="success">{t("key.ready")}</Notice> : null}
      <Field label={t("sign.passphrase")} hint={t("sign.passphraseHint")} error={wrong ? t("sign.wrongPassphrase") : undefined}>
        {(p) => <input {...p} ref={input} type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />}
      </Field>
      <ProblemMessage error={otherError} />
      <div className="actions">
        <Button type="submit" variant="primary" busy={sign.isPending}>
          {t(`act.submit.${act}`)}
        </Button>
      </div>
      <Forgotten keystore={keystore} person={person} onForgotten={onForgotten} />
    </form>
  );
}

/** A forgotten passphrase cannot be recovered: the certificate is revoked and a new key set up. */
function Forgotten({ keystore, person, onForgotten }: { keystore: Keystore; person: string; onForgotten: () => void }) {
  const { t } = useTranslation("documents");
  const reset = useMutation({
    mutationFn: async () => {
      const publicKey = keystore.publicKeyOf(person);
      const mine = (await myCertificates()).items.filter((c) => !c.revokedAt && c.publicKey.toLowerCase() === publicKey?.toLowerCase());
      for (const c of mine) await post("/v1/signing/certificates/{serial}/revocation", { params: { path: { serial: c.serial } }, body: { reason: t("key.revokeReason") } });
      keystore.forgetKey(person);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: certificatesKey });
      onForgotten();
    },
  });
  return (
    <details className="key-forgotten">
      <summary>{t("key.forgotQuestion")}</summary>
      <p>{t("key.forgotExplained")}</p>
      <Button variant="danger" busy={reset.isPending} onClick={() => reset.mutate()}>
        {t("key.revokeAndRenew")}
      </Button>
      <ProblemMessage error={reset.error} />
    </details>
  );
}
