import type { AgreementFacts } from "./facts";
import { zhDate } from "./dates";
import { E_SIGNATURE_LAW, ledgerFields } from "./ledger";
import { amountInWords, formatBp, formatFen } from "./money";
import { partyColumns, partyRow } from "./parties";
import { type Field, Sheet } from "./sheet";

/** 应收账款融资协议: the bank's quote as the terms it signs, and the supplier signs on accepting. */
export function drawAgreement(s: Sheet, f: AgreementFacts): void {
  const money = (fen: string) => formatFen(BigInt(fen));
  const inWords = (fen: string) => `人民币（大写）${amountInWords(BigInt(fen))}`;
  const dayCountZh = `实际天数/${f.dayCount}`;
  const dayCountEn = `Actual/${f.dayCount}`;
  s.titleBlock(
    { zh: "应收账款融资协议", en: "Receivable Financing Agreement" },
    { zh: "协议编号", en: "Agreement No.", value: f.quoteId },
    f.recourse ? { zh: "有追索权", en: "With recourse" } : { zh: "无追索权", en: "Without recourse" },
  );
  s.paragraph({
    zh: `${f.supplier.name}（下称“供应商”）与${f.bank.name}（下称“银行”）就供应商持有的、以${f.obligor.name}为债务人的应收账款电子凭证（编号 ${f.receivableId}）的融资订立本协议。银行于${zhDate(f.quotedOn)}按下列条款报价，报价有效期至${zhDate(f.validUntil)}；供应商在有效期内接受报价，本协议即成立。`,
    en: `${f.supplier.name} (the "Supplier") and ${f.bank.name} (the "Bank") enter into this agreement for the financing of the electronic receivable certificate No. ${f.receivableId}, held by the Supplier, of which ${f.obligor.name} is the obligor. The Bank quoted the terms below on ${f.quotedOn}, valid until ${f.validUntil}; the agreement is made when the Supplier accepts the quote within that time.`,
  });

  s.section({ zh: "一、当事人", en: "1. Parties" });
  s.table(partyColumns(s.width), [
    partyRow({ zh: "供应商（融资申请人）", en: "Supplier (applicant)" }, f.supplier),
    partyRow({ zh: "银行（融资人）", en: "Bank (financier)" }, f.bank),
    partyRow({ zh: "债务人", en: "Obligor" }, f.obligor),
  ]);

  s.section({ zh: "二、主要条款", en: "2. Key terms" });
  const fields: Field[] = [
    { label: { zh: "凭证编号", en: "Certificate No." }, value: { main: f.receivableId }, wide: true },
    { label: { zh: "凭证金额", en: "Face amount" }, value: { main: money(f.face), sub: inWords(f.face), words: true }, wide: true },
    { label: { zh: "融资金额", en: "Advance" }, value: { main: money(f.advance), sub: inWords(f.advance), words: true }, wide: true },
    { label: { zh: "利息", en: "Interest" }, value: { main: money(f.interest) } },
    { label: { zh: "手续费", en: "Fee" }, value: { main: money(f.fee) } },
    { label: { zh: "到期应付银行金额", en: "Amount due to the bank" }, value: { main: money(f.due), sub: inWords(f.due), words: true }, wide: true },
    { label: { zh: "年利率", en: "Annual interest rate" }, value: { main: formatBp(f.annualRateBp), sub: "单利 Simple interest" } },
    { label: { zh: "计息基础", en: "Day count" }, value: { main: dayCountZh, sub: dayCountEn } },
    { label: { zh: "融资天数", en: "Days" }, value: { main: `${f.days} 天`, sub: `${f.days} days` } },
    { label: { zh: "综合年化成本", en: "Effective annual cost" }, value: { main: formatBp(f.effectiveAnnualCostBp), sub: "利息及手续费 Interest and fee" } },
    { label: { zh: "追索权", en: "Recourse" }, value: f.recourse ? { main: "有追索权", sub: "With recourse" } : { main: "无追索权", sub: "Without recourse" } },
    { label: { zh: "到期日", en: "Maturity" }, value: { main: zhDate(f.maturity), sub: f.maturity } },
    { label: { zh: "报价日期", en: "Quoted on" }, value: { main: zhDate(f.quotedOn), sub: f.quotedOn } },
    { label: { zh: "报价有效期至", en: "Quote valid until" }, value: { main: zhDate(f.validUntil), sub: f.validUntil } },
  ];
  s.fields(fields);

  s.section({ zh: "三、约定事项", en: "3. Terms" });
  const clauses: { zh: string; en: string }[] = [
    {
      zh: `1. 放款与转让：供应商接受报价后，银行通过本平台向供应商支付融资金额${money(f.advance)}；同时凭证项下的应收账款转让予银行，平台向债务人发送应收账款转让通知书。`,
      en: `1. Advance and assignment: once the Supplier accepts the quote, the Bank pays the Supplier the advance, ${money(f.advance)}, through the platform; the receivable under the certificate is assigned to the Bank at the same time, and the platform sends the obligor a notice of assignment.`,
    },
    {
      zh: `2. 利息与费用：利息 = 融资金额 × 年利率 × 融资天数 ÷ ${f.dayCount}，舍去不足一分的部分；到期应付银行金额为融资金额、利息与手续费之和，即${money(f.due)}。综合年化成本为利息与手续费之和占融资金额的年化比例（按${f.dayCount}天计），为${formatBp(f.effectiveAnnualCostBp)}。`,
      en: `2. Interest and fee: interest = advance × annual rate × days ÷ ${f.dayCount}, rounded down to the fen; the amount due to the Bank is the advance plus interest plus fee, ${money(f.due)}. The effective annual cost is interest plus fee as a share of the advance, annualised on a ${f.dayCount}-day year: ${formatBp(f.effectiveAnnualCostBp)}.`,
    },
    {
      zh: "3. 还款：到期日由债务人通过本平台账本清算付款，清算款项先支付予银行至到期应付金额为止，余额支付予凭证持有人。",
      en: "3. Repayment: on the maturity date the obligor pays through the ledger's clearing on this platform; the clearing pays the Bank first, up to the amount due to it, and the rest to the holder of the certificate.",
    },
    f.recourse
      ? {
          zh: "4. 追索：本融资为有追索权融资。债务人到期未足额付款的，银行有权要求供应商支付到期应付金额中未获清偿的部分。",
          en: "4. Recourse: this financing is with recourse. If the obligor does not pay in full at maturity, the Bank may require the Supplier to pay whatever part of the amount due to it remains unpaid.",
        }
      : {
          zh: "4. 追索：本融资为无追索权融资。债务人到期未付款的，银行不得向供应商追索，但供应商应对应收账款的真实、合法、有效及不存在权利瑕疵负责。",
          en: "4. Recourse: this financing is without recourse. If the obligor does not pay at maturity, the Bank has no claim against the Supplier, but the Supplier remains answerable for the receivable being genuine, lawful, valid and free of any defect in title.",
        },
    {
      zh: `5. 电子签署：银行于报价时、供应商于接受报价时，分别由其审批人以 SM2 数字证书电子签署本协议。${E_SIGNATURE_LAW.zh}`,
      en: `5. Electronic signature: the Bank's approver signs this agreement when the Bank quotes, and the Supplier's approver when the Supplier accepts, each electronically with an SM2 certificate. ${E_SIGNATURE_LAW.en}`,
    },
  ];
  for (const c of clauses) s.paragraph(c);

  let n = 4;
  const numeral = ["一", "二", "三", "四", "五", "六", "七"];
  if (f.reasonablenessReview !== null) {
    s.section({ zh: `${numeral[n - 1]}、付款期限合理性审查`, en: `${n}. Review of the term's reasonableness` });
    n++;
    s.paragraph({
      zh: "凭证付款期限超过六个月。依《关于规范供应链金融业务 引导供应链信息服务机构更好服务中小企业融资有关事宜的通知》（银发〔2025〕77号），银行已审查其合理性：",
      en: "The certificate's term exceeds six months. Under the PBoC notice on regulating supply-chain finance (Yinfa [2025] No. 77), the Bank has reviewed its reasonableness:",
    });
    s.fields([
      { label: { zh: "审查人", en: "Reviewer" }, value: { main: f.reasonablenessReview.reviewer }, wide: true },
      { label: { zh: "审查意见", en: "Reason" }, value: { main: f.reasonablenessReview.reason }, wide: true },
    ]);
  }

  s.section({ zh: `${numeral[n - 1]}、签署`, en: `${n}. Signatures` }, 110);
  n++;
  const signer = (role: { zh: string; en: string }, party: { name: string; uscc: string }, when: { zh: string; en: string }) => ({
    role,
    lines: [
      { zh: party.name, en: `统一社会信用代码 USCC: ${party.uscc}` },
      { zh: "审批人以 SM2 数字证书电子签署", en: "Signed electronically by its approver with an SM2 certificate" },
      when,
    ],
  });
  s.signatureBoxes([
    signer({ zh: "银行（融资人）", en: "Bank (financier)" }, f.bank, { zh: "签署时点：报价时", en: "Signed: when quoting" }),
    signer({ zh: "供应商（融资申请人）", en: "Supplier (applicant)" }, f.supplier, { zh: "签署时点：接受报价时", en: "Signed: when accepting the quote" }),
  ]);

  s.section({ zh: `${numeral[n - 1]}、账本登记与核验`, en: `${n}. Ledger record and verification` }, Sheet.VERIFICATION_HEIGHT);
  s.verification(f.verifyUrl, ledgerFields(f, { label: { zh: "报价编号", en: "Quote No." }, value: f.quoteId }));
}
