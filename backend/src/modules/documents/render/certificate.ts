import type { CertificateFacts } from "./facts";
import { zhDate } from "./dates";
import { E_SIGNATURE_LAW, LEDGER_REFERENCE, ledgerFields } from "./ledger";
import { amountInWords, formatFen } from "./money";
import { partyColumns, partyRow } from "./parties";
import { approverSignature } from "./signatures";
import { type Field, Sheet } from "./sheet";

/** 应收账款电子凭证: the obligor's promise to pay the holder at maturity, as confirmed (确权) or signed for (签收). */
export function drawCertificate(s: Sheet, f: CertificateFacts): void {
  const amount = BigInt(f.amount);
  const confirm = f.act === "confirm";
  s.titleBlock(
    { zh: "应收账款电子凭证", en: "Electronic Receivable Certificate" },
    { zh: "凭证编号", en: "Certificate No.", value: f.receivableId },
    confirm ? { zh: "债务人确权", en: "Confirmed by the obligor" } : { zh: "持有人签收", en: "Signed for by the holder" },
  );
  s.paragraph(
    confirm
      ? {
          zh: `${f.obligor.name}（债务人）确认：基于与${f.holder.name}（持有人）之间的基础交易，本司对持有人负有下列应收账款债务，金额${formatFen(amount)}（人民币${amountInWords(amount)}），并承诺于到期日${zhDate(f.maturity)}无条件足额付款。`,
          en: `${f.obligor.name} (the obligor) confirms that, under its underlying transaction with ${f.holder.name} (the holder), it owes the holder the receivable below, ${formatFen(amount)}, and undertakes to pay it in full and unconditionally on the maturity date, ${f.maturity}.`,
        }
      : {
          zh: `${f.obligor.name}（债务人）向${f.holder.name}（持有人）开立下列应收账款电子凭证，金额${formatFen(amount)}（人民币${amountInWords(amount)}），承诺于到期日${zhDate(f.maturity)}无条件足额付款；持有人签收本凭证。`,
          en: `${f.obligor.name} (the obligor) issues to ${f.holder.name} (the holder) the electronic receivable certificate below, ${formatFen(amount)}, and undertakes to pay it in full and unconditionally on the maturity date, ${f.maturity}; the holder signs for it.`,
        },
  );

  s.section({ zh: "一、当事人", en: "1. Parties" });
  s.table(partyColumns(s.width), [
    partyRow({ zh: "债务人（付款人）", en: "Obligor (payer)" }, f.obligor),
    partyRow({ zh: "持有人（收款人）", en: "Holder (payee)" }, f.holder),
  ]);

  s.section({ zh: "二、凭证要素", en: "2. Certificate details" });
  const fields: Field[] = [
    { label: { zh: "凭证编号", en: "Certificate No." }, value: { main: f.receivableId }, wide: true },
    { label: { zh: "凭证金额", en: "Amount" }, value: { main: formatFen(amount), sub: `人民币（大写）${amountInWords(amount)}`, words: true }, wide: true },
    { label: { zh: "开立日期", en: "Issued on" }, value: { main: zhDate(f.issuedOn), sub: f.issuedOn } },
    { label: { zh: "到期日", en: "Maturity" }, value: { main: zhDate(f.maturity), sub: f.maturity } },
    { label: { zh: "付款期限", en: "Term" }, value: { main: `${f.termDays} 天`, sub: `${f.termDays} days` } },
    { label: { zh: "币种", en: "Currency" }, value: { main: "人民币", sub: "CNY" } },
    { label: { zh: "凭证层级", en: "Tier" }, value: f.tier === 0 ? { main: "第 0 级（原始凭证）", sub: "Tier 0 (original)" } : { main: `第 ${f.tier} 级（拆分）`, sub: `Tier ${f.tier} (split part)` } },
    { label: { zh: "签署行为", en: "Act" }, value: confirm ? { main: "确权", sub: "Confirmation" } : { main: "签收", sub: "Sign-for" } },
  ];
  if (f.parentId !== null) fields.push({ label: { zh: "拆分自", en: "Split from" }, value: { main: f.parentId }, wide: true });
  if (f.originalId !== null) fields.push({ label: { zh: "原始凭证", en: "Original certificate" }, value: { main: f.originalId }, wide: true });
  s.fields(fields);

  s.section({ zh: "三、基础交易发票", en: "3. Invoices of the underlying transaction" });
  if (f.invoices.length === 0) {
    s.paragraph(
      f.tier === 0
        ? { zh: "本凭证未关联发票。", en: "No invoice is linked to this certificate." }
        : { zh: "本凭证为拆分所得，未直接关联发票；基础交易发票见原始凭证。", en: "This certificate is a split part with no invoice linked to it directly; see the original certificate for the invoices of the underlying transaction." },
    );
  } else {
    const total = f.invoices.reduce((sum, i) => sum + BigInt(i.amount), 0n);
    s.table(
      [
        { label: { zh: "序号", en: "No." }, width: 44, align: "center" },
        { label: { zh: "发票号码", en: "Invoice number" }, width: s.width - 44 - 120 - 140 },
        { label: { zh: "开票日期", en: "Issued on" }, width: 120 },
        { label: { zh: "发票金额", en: "Amount" }, width: 140, align: "right" },
      ],
      [
        ...f.invoices.map((i, n) => [{ main: String(n + 1) }, { main: i.number }, { main: zhDate(i.issuedOn) }, { main: formatFen(BigInt(i.amount)) }]),
        [{ main: "合计", sub: "Total" }, { main: `${f.invoices.length} 张`, sub: `${f.invoices.length} invoice${f.invoices.length === 1 ? "" : "s"}` }, { main: "" }, { main: formatFen(total) }],
      ],
    );
  }

  s.section({ zh: "四、约定事项", en: "4. Terms" });
  s.paragraph({
    zh: "1. 债务人于到期日通过本平台账本清算向付款时的凭证持有人付款；凭证已融资的，清算先向融资银行支付至其应收金额，余额支付予持有人。",
    en: "1. On the maturity date the obligor pays whoever then holds this certificate, through the ledger's clearing on this platform; where the certificate is financed, the clearing pays the financing bank first, up to the amount due to it, and the rest to the holder.",
  });
  s.paragraph({
    zh: "2. 持有人可依平台规则转让、拆分本凭证或以其申请融资；凭证转让或融资时，平台向债务人发送应收账款转让通知书。",
    en: "2. The holder may transfer or split this certificate, or finance it, under the platform's rules; on each transfer or financing the platform sends the obligor a notice of assignment.",
  });
  s.paragraph({
    zh: `3. 本凭证由${confirm ? "债务人" : "持有人"}的审批人以 SM2 数字证书电子签署，签名记录附于本文件之后，亦可通过下方核验。${E_SIGNATURE_LAW.zh}`,
    en: `3. This certificate is signed electronically by the ${confirm ? "obligor's" : "holder's"} approver with an SM2 certificate; the signature record follows this document and can be checked as shown below. ${E_SIGNATURE_LAW.en}`,
  });

  const signer = confirm ? f.obligor : f.holder;
  s.section({ zh: "五、签署", en: "5. Signature" }, 110);
  approverSignature(s, confirm ? { zh: "债务人（确权）", en: "Obligor (confirming)" } : { zh: "持有人（签收）", en: "Holder (signing for it)" }, signer);

  s.section({ zh: "六、账本登记与核验", en: "6. Ledger record and verification" }, Sheet.VERIFICATION_HEIGHT);
  s.verification(f.verifyUrl, ledgerFields(f, { label: LEDGER_REFERENCE, value: f.transaction }));
}
