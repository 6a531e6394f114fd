import type { CertificateProperty } from "../invoices";
import type { Organization } from "../onboarding";
import type { ReceivableRow } from "../receivables";

/** The platform's name as it files: the supply-chain information service (供应链信息服务机构). */
export const PLATFORM_NAME = "ChainFactor 供应链应收账款电子凭证平台";

const chinaDate = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
const yuan = (fen: bigint) => `${fen / 100n}.${(fen % 100n).toString().padStart(2, "0")}`;

/**
 * The property description (财产信息描述) of a financing's filing in 中登网: which certificate, on
 * which platform, owed by whom, held by whom, for how much, financed for how much, issued and due
 * when, at which tier, on how many invoices (see CertificateProperty).
 */
export function certificateProperty(
  r: Pick<ReceivableRow, "chainId" | "amount" | "maturity" | "tier" | "createdAt">,
  obligor: Pick<Organization, "legalName" | "uscc">,
  holder: Pick<Organization, "legalName" | "uscc">,
  financedAmount: bigint,
  invoiceCount: number,
): CertificateProperty {
  const p = {
    certificateNumber: `CF-${r.chainId ?? "?"}`,
    platform: PLATFORM_NAME,
    obligorName: obligor.legalName,
    obligorUscc: obligor.uscc,
    holderName: holder.legalName,
    holderUscc: holder.uscc,
    faceAmount: r.amount.toString(),
    financedAmount: financedAmount.toString(),
    issuedOn: chinaDate(r.createdAt),
    maturesOn: chinaDate(r.maturity),
    tier: r.tier,
    invoiceCount,
  };
  const description =
    `应收账款电子凭证：${p.platform}凭证编号${p.certificateNumber}，开立方${p.obligorName}（统一社会信用代码${p.obligorUscc}），` +
    `持有人${p.holderName}（统一社会信用代码${p.holderUscc}），凭证金额人民币${yuan(r.amount)}元，融资金额人民币${yuan(financedAmount)}元，` +
    `开立日${p.issuedOn}，到期日${p.maturesOn}，${p.tier === 0 ? "一级凭证" : `第${p.tier + 1}级拆分凭证`}，基础交易发票${p.invoiceCount}张。`;
  return { ...p, description };
}
