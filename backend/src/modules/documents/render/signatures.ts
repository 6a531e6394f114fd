import type { Party } from "./facts";
import type { Bilingual, Sheet } from "./sheet";

/**
 * Where one party's approver signs: the signature itself is not drawn in the file (it is made
 * over the file's bytes, so it follows them in the signed copy), the boxes say where it is.
 */
export function approverSignature(s: Sheet, role: Bilingual, party: Party): void {
  s.signatureBoxes([
    {
      role,
      lines: [
        { zh: party.name, en: `统一社会信用代码 USCC: ${party.uscc}` },
        { zh: "（以电子签名方式签署）", en: "(signed electronically)" },
      ],
    },
    {
      role: { zh: "审批人电子签名", en: "Approver's electronic signature" },
      lines: [
        { zh: "SM2 数字证书电子签名，见所附签名记录", en: "Electronic signature with an SM2 certificate: see the signature record attached" },
        { zh: "签署日期：以签名记录为准", en: "Date: as recorded in the signature" },
      ],
    },
  ]);
}
