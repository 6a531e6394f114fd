/** The operator creates a member organization (pending until KYC is approved). */
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";
import { post, queryClient, type Schemas } from "../../api/client";
import { fieldProblems } from "../../i18n/problem";
import { useDuty } from "../../shared/commit";
import { Button, Card, Field, Page, ProblemMessage } from "../../shared/ui";
import { checkUscc } from "../../shared/uscc";
import { usccText } from "../../shared/UsccResult";

type Role = Schemas["OrganizationCreate"]["roles"][number];
const ROLES: Role[] = ["core_enterprise", "supplier", "bank", "settlement_issuer", "auditor"];
type Size = NonNullable<Schemas["OrganizationCreate"]["enterpriseSize"]>;
const SIZES: Size[] = ["large", "medium", "small", "micro"];
type LicenceKind = NonNullable<Schemas["OrganizationCreate"]["settlementLicence"]>["kind"];

export function CreateOrganizationPage() {
  const { t } = useTranslation(["operator", "common"]);
  const duty = useDuty();
  const navigate = useNavigate();
  const [legalName, setLegalName] = useState("");
  const [uscc, setUscc] = useState("");
  const [roles, setRoles] = useState<Set<Role>>(new Set());
  const [contactName, setContactName] = useState("");
  const [contactEmail, setContactEmail] = useState("");
  const [contactPhone, setContactPhone] = useState("");
  const [ledgerAddress, setLedgerAddress] = useState("");
  const [size, setSize] = useState<Size | "">("");
  const [licenceKind, setLicenceKind] = useState<LicenceKind>("bank");
  const [licenceNumber, setLicenceNumber] = useState("");
  const [licenceAuthority, setLicenceAuthority] = useState("");
  const needsSize = roles.has("core_enterprise") || roles.has("supplier");
  const needsLicence = roles.has("settlement_issuer");
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const create = useMutation({
    mutationFn: (body: Schemas["OrganizationCreate"]) => post("/v1/organizations", { body }),
    onSuccess: (o) => {
      void queryClient.invalidateQueries({ queryKey: ["organizations"] });
      navigate(`/operator/organizations/${o.id}`);
    },
  });
  const code = uscc.trim().toUpperCase();
  const check = checkUscc(code);
  const server = fieldProblems(create.error);

  if (!duty.canPrepare) return <Page title={t("create.title")}>{null}</Page>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = {
      legalName: legalName.trim() ? undefined : t("create.required"),
      uscc: check.ok ? undefined : usccText(t, check),
      roles: roles.size ? undefined : t("create.rolesRequired"),
      contact: (contactName.trim() === "") === (contactEmail.trim() === "") ? undefined : t("create.contactBoth"),
      ledgerAddress: ledgerAddress.trim() === "" || /^0x[0-9a-fA-F]{40}$/.test(ledgerAddress.trim()) ? undefined : t("create.addressInvalid"),
      size: needsSize && !size ? t("create.sizeRequired") : undefined,
      licence: needsLicence && (licenceNumber.trim().length < 4 || licenceAuthority.trim().length < 2) ? t("create.licenceRequired") : undefined,
    };
    setErrors(next);
    if (Object.values(next).some(Boolean)) return;
    create.mutate({
      legalName: legalName.trim(),
      unifiedSocialCreditCode: code,
      roles: [...roles],
      contacts: contactName.trim() ? [{ name: contactName.trim(), email: contactEmail.trim(), ...(contactPhone.trim() ? { phone: contactPhone.trim() } : {}) }] : [],
      ...(ledgerAddress.trim() ? { ledgerAddress: ledgerAddress.trim() } : {}),
      ...(needsSize && size ? { enterpriseSize: size } : {}),
      ...(needsLicence ? { settlementLicence: { kind: licenceKind, number: licenceNumber.trim(), authority: licenceAuthority.trim() } } : {}),
    });
  };

  return (
    <Page
      title={t("create.title")}
      actions={
        <Link className="btn btn-secondary" to="/operator">
          {t("common:action.back")}
        </Link>
      }
    >
      <Card>
        <form className="stack" onSubmit={submit} noValidate>
          <Field label={t("org.legalName")} error={errors.legalName ?? server.legalName}>
            {(p) => <input {...p} value={legalName} onChange={(e) => setLegalName(e.target.value)} autoComplete="organization" />}
          </Field>
          <Field
            label={t("org.uscc")}
            hint={code.length > 0 ? usccText(t, check) : t("create.usccHint")}
            error={errors.uscc ?? server.unifiedSocialCreditCode}
          >
            {(p) => <input {...p} className="mono" maxLength={18} value={uscc} onChange={(e) => setUscc(e.target.value.toUpperCase())} />}
          </Field>
          <fieldset className="role-set">
            <legend>{t("org.roles")}</legend>
            {ROLES.map((r) => (
              <label key={r} className="checkbox">
                <input
                  type="checkbox"
                  checked={roles.has(r)}
                  onChange={() => {
                    const next = new Set(roles);
                    if (next.has(r)) next.delete(r);
                    else next.add(r);
                    setRoles(next);
                  }}
                />{" "}
                {t(`common:role.${r}`)}
              </label>
            ))}
            {errors.roles ? <p className="field-error">{errors.roles}</p> : null}
          </fieldset>
          {needsSize ? (
            <Field label={t("create.size")} hint={t("create.sizeHint")} error={errors.size ?? server.enterpriseSize}>
              {(p) => (
                <select {...p} value={size} onChange={(e) => setSize(e.target.value as Size)}>
                  <option value="">—</option>
                  {SIZES.map((s) => (
                    <option key={s} value={s}>
                      {t(`create.size.${s}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
          {needsLicence ? (
            <fieldset className="role-set">
              <legend>{t("create.licence")}</legend>
              <p className="muted">{t("create.licenceHint")}</p>
              <div className="form-row">
                <Field label={t("create.licence")}>
                  {(p) => (
                    <select {...p} value={licenceKind} onChange={(e) => setLicenceKind(e.target.value as LicenceKind)}>
                      <option value="bank">{t("create.licenceKind.bank")}</option>
                      <option value="clearing_institution">{t("create.licenceKind.clearing_institution")}</option>
                    </select>
                  )}
                </Field>
                <Field label={t("create.licenceNumber")} error={errors.licence ?? server.settlementLicence}>
                  {(p) => <input {...p} value={licenceNumber} onChange={(e) => setLicenceNumber(e.target.value)} />}
                </Field>
                <Field label={t("create.licenceAuthority")}>{(p) => <input {...p} value={licenceAuthority} onChange={(e) => setLicenceAuthority(e.target.value)} />}</Field>
              </div>
            </fieldset>
          ) : null}
          <div className="form-row">
            <Field label={t("create.contactName")} error={errors.contact}>
              {(p) => <input {...p} value={contactName} onChange={(e) => setContactName(e.target.value)} />}
            </Field>
            <Field label={t("create.contactEmail")}>{(p) => <input {...p} type="email" value={contactEmail} onChange={(e) => setContactEmail(e.target.value)} />}</Field>
            <Field label={t("create.contactPhone")}>{(p) => <input {...p} type="tel" value={contactPhone} onChange={(e) => setContactPhone(e.target.value)} />}</Field>
          </div>
          <Field label={t("org.ledgerAddress")} hint={t("create.addressHint")} error={errors.ledgerAddress ?? server.ledgerAddress}>
            {(p) => <input {...p} className="mono" value={ledgerAddress} onChange={(e) => setLedgerAddress(e.target.value)} />}
          </Field>
          <div className="actions">
            <Button type="submit" variant="primary" busy={create.isPending}>
              {t("create.submit")}
            </Button>
          </div>
          <ProblemMessage error={create.error} />
        </form>
      </Card>
    </Page>
  );
}
