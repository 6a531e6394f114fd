import type { NoticeFacts } from "./facts";
import { zhDate } from "./dates";
import { LEDGER_REFERENCE, ledgerFields } from "./ledger";
import { amountInWords, formatFen } from "./money";
import { partyColumns, partyRow } from "./parties";
import { approverSignature } from "./signatures";
import { type Field, Sheet } from "./sheet";

/**
 * 应收账款转让通知书: the letter to the obligor that makes an assignment effective against it
 * (民法典第五百四十六条), with the 回执 its approver signs to acknowledge it.
 */
export function drawNotice(s: Sheet, f: NoticeFacts): void {
  const face = BigInt(f.amount);
  const financing = f.reason === "financing";
  const due = financing && f.due !== null ? BigInt(f.due) : null;
  const assigneeRole = financing ? { zh: "受让人（融资银行）", en: "Assignee (financing bank)" } : { zh: "受让人（新持有人）", en: "Assignee (new holder)" };
  s.titleBlock(
    { zh: "应收账款转让通知书", en: "Notice of Assignment of Receivable" },
    { zh: "凭证编号", en: "Certificate No.", value: f.receivableId },
    financing ? { zh: "融资转让", en: "Assignment for financing" } : { zh: "凭证转让", en: "Transfer of the certificate" },
  );

  s.paragraph({ zh: `致：${f.obligor.name}（统一社会信用代码：${f.obligor.uscc}）`, en: `To: ${f.obligor.name} (unified social credit code ${f.obligor.uscc})` });
  s.paragraph(
    financing
      ? {
          zh: `${f.assignor.name}（转让人）已于${zhDate(f.assignedOn)}将其持有的、以贵司为债务人的下列应收账款电子凭证项下的应收账款债权转让予${f.assignee.name}（受让人），以取得应收账款融资。依据《中华人民共和国民法典》第五百四十六条，特此通知。`,
          en: `${f.assignor.name} (the assignor) assigned to ${f.assignee.name} (the assignee) on ${f.assignedOn}, to obtain receivable financing, the receivable it holds under the electronic receivable certificate below, of which you are the obligor. You are hereby notified of the assignment under Article 546 of the Civil Code of the PRC.`,
        }
      : {
          zh: `${f.assignor.name}（转让人）已于${zhDate(f.assignedOn)}将其持有的、以贵司为债务人的下列应收账款电子凭证及其项下的应收账款债权转让予${f.assignee.name}（受让人）。依据《中华人民共和国民法典》第五百四十六条，特此通知。`,
          en: `${f.assignor.name} (the assignor) transferred to ${f.assignee.name} (the assignee) on ${f.assignedOn} the electronic receivable certificate below, of which you are the obligor, with the receivable under it. You are hereby notified of the assignment under Article 546 of the Civil Code of the PRC.`,
        },
  );

  s.section({ zh: "一、当事人", en: "1. Parties" });
  s.table(partyColumns(s.width), [
    partyRow({ zh: "债务人", en: "Obligor" }, f.obligor),
    partyRow({ zh: "转让人", en: "Assignor" }, f.assignor),
    partyRow(assigneeRole, f.assignee),
  ]);

  s.section({ zh: "二、转让标的", en: "2. The receivable assigned" });
  const fields: Field[] = [
    { label: { zh: "凭证编号", en: "Certificate No." }, value: { main: f.receivableId }, wide: true },
    { label: { zh: "凭证金额", en: "Face amount" }, value: { main: formatFen(face), sub: `人民币（大写）${amountInWords(face)}`, words: true }, wide: true },
  ];
  if (due !== null) fields.push({ label: { zh: "应付银行金额", en: "Amount due to the bank" }, value: { main: formatFen(due), sub: `人民币（大写）${amountInWords(due)}`, words: true }, wide: true });
  fields.push(
    { label: { zh: "到期日", en: "Maturity" }, value: { main: zhDate(f.maturity), sub: f.maturity } },
    { label: { zh: "转让日期", en: "Assigned on" }, value: { main: zhDate(f.assignedOn), sub: f.assignedOn } },
    { label: { zh: "转让原因", en: "Reason" }, value: financing ? { main: "应收账款融资", sub: "Financing" } : { main: "凭证转让", sub: "Transfer" } },
    { label: { zh: "币种", en: "Currency" }, value: { main: "人民币", sub: "CNY" } },
  );
  s.fields(fields);

  s.section({ zh: "三、付款指示", en: "3. Payment instructions" });
  if (financing) {
    const dueText = due !== null ? formatFen(due) : "其应收金额";
    const dueEn = due !== null ? formatFen(due) : "the amount due to it";
    s.paragraph({
      zh: `请贵司于到期日${zhDate(f.maturity)}通过本平台账本清算足额支付凭证金额${formatFen(face)}。清算款项先支付予${f.assignee.name}，至应付银行金额${dueText}为止；余额支付予凭证持有人${f.assignor.name}。`,
      en: `Please pay the face amount, ${formatFen(face)}, in full on the maturity date, ${f.maturity}, through the ledger's clearing on this platform. The clearing pays ${f.assignee.name} first, up to the amount due to the bank, ${dueEn}, and the rest to the holder of the certificate, ${f.assignor.name}.`,
    });
  } else {
    s.paragraph({
      zh: `请贵司于到期日${zhDate(f.maturity)}通过本平台同一账本清算，向新持有人${f.assignee.name}足额支付凭证金额${formatFen(face)}。`,
      en: `Please pay the face amount, ${formatFen(face)}, in full on the maturity date, ${f.maturity}, to the new holder, ${f.assignee.name}, through the same ledger clearing on this platform.`,
    });
  }
  s.paragraph({
    zh: "本通知送达后，贵司应按上述指示付款；向转让人或其他第三方的付款，不能免除贵司对受让人的付款义务。",
    en: "Once this notice has reached you, please pay as instructed above; a payment to the assignor or to anyone else does not discharge your obligation to the assignee.",
  });
  s.paragraph({ zh: `通知人：${f.assignor.name}（经 ChainFactor 平台送达）    日期：${zhDate(f.assignedOn)}`, en: `Notifying party: ${f.assignor.name} (delivered through the ChainFactor platform)    Date: ${f.assignedOn}` });

  s.section({ zh: "四、账本登记与核验", en: "4. Ledger record and verification" }, Sheet.VERIFICATION_HEIGHT);
  s.verification(f.verifyUrl, ledgerFields(f, { label: LEDGER_REFERENCE, value: f.transaction }));

  s.ensure(200);
  s.cutLine();
  s.partTitle({ zh: "回　执", en: "Acknowledgment of Receipt" }, 150);
  s.paragraph({ zh: `致：${f.assignor.name}、${f.assignee.name}`, en: `To: ${f.assignor.name} and ${f.assignee.name}` });
  s.paragraph({
    zh: `本司已收到关于应收账款电子凭证（编号 ${f.receivableId}）的《应收账款转让通知书》，知悉并确认上述应收账款已转让予${f.assignee.name}，将于到期日按上述付款指示付款。本回执由本司审批人以 SM2 数字证书电子签署，签署时间以签名记录为准。`,
    en: `We have received the notice of assignment of the electronic receivable certificate No. ${f.receivableId}, acknowledge that the receivable has been assigned to ${f.assignee.name}, and will pay on the maturity date as instructed above. This acknowledgment is signed electronically by our approver with an SM2 certificate; the time of signing is as recorded in the signature.`,
  });
  approverSignature(s, { zh: "债务人", en: "Obligor" }, f.obligor);
}
