/**
 * The columns of the tax platforms' invoice exports, and of the platform's own template.
 *
 * 电子发票服务平台 (the fully digitalized e-invoice platform) → 税务数字账户 → 发票查询统计 → 全量发票查询
 * → 导出 writes an XLSX with a sheet 发票基础信息 (one row per invoice: 序号, 发票代码, 发票号码,
 * 数电发票号码, 销方识别号, 销方名称, 购方识别号, 购买方名称, 开票日期, 金额, 税额, 价税合计, 发票来源,
 * 发票票种, 发票状态, 是否正数发票, 发票风险等级, 开票人, 备注) and a sheet 信息汇总表 (one row per line
 * item, the same columns with 税收分类编码, 货物或应税劳务名称, 规格型号, 单位, 数量, 单价, 税率 between
 * 开票日期 and 金额). Older exports and other tools spell some headers differently (数电票号码,
 * 销售方纳税人识别号, 购买方纳税人识别号, 合计金额, 价税合计（小写）…): each field takes any of the
 * spellings below. Amounts are in 元 with two decimals; dates as 2026-11-03 or 2026-11-03 10:21:45.
 */

export type ColumnField =
  | "digitalNumber"
  | "invoiceNumber"
  | "invoiceCode"
  | "sellerTaxId"
  | "sellerName"
  | "buyerTaxId"
  | "buyerName"
  | "issueDate"
  | "amount"
  | "tax"
  | "total"
  | "currency"
  | "waybillNumbers"
  | "status"
  | "positive"
  | "lineItem";

const ALIASES: Record<ColumnField, string[]> = {
  digitalNumber: ["数电发票号码", "数电票号码", "数电票号", "数电号码", "全电发票号码", "全电票号码", "全电发票号"],
  invoiceNumber: ["发票号码", "发票号"],
  invoiceCode: ["发票代码"],
  sellerTaxId: ["销方识别号", "销方税号", "销方纳税人识别号", "销售方纳税人识别号", "销售方识别号", "销售方税号", "销售方统一社会信用代码/纳税人识别号", "销方统一社会信用代码", "销售方统一社会信用代码"],
  sellerName: ["销方名称", "销售方名称"],
  buyerTaxId: ["购方识别号", "购方税号", "购方纳税人识别号", "购买方纳税人识别号", "购买方识别号", "购买方税号", "购买方统一社会信用代码/纳税人识别号", "购方统一社会信用代码", "购买方统一社会信用代码"],
  buyerName: ["购买方名称", "购方名称"],
  issueDate: ["开票日期", "开票时间"],
  amount: ["金额", "合计金额", "不含税金额", "金额(不含税)"],
  tax: ["税额", "合计税额"],
  total: ["价税合计", "价税合计(小写)", "含税金额", "价税合计金额"],
  currency: ["币种"],
  waybillNumbers: ["运单号", "运单号码", "物流单号"],
  status: ["发票状态"],
  positive: ["是否正数发票"],
  lineItem: ["货物或应税劳务名称", "货物或应税劳务、服务名称", "项目名称", "税收分类编码", "规格型号", "单价", "数量"],
};

/** A header as written, made comparable: no spaces, half-width brackets, no "(元)", no required-marks. */
export function normalizeHeader(h: string): string {
  return h
    .replace(/[\s\u3000]/g, "")
    .replace(/（/g, "(")
    .replace(/）/g, ")")
    .replace(/^\*+|\*+$/g, "")
    .replace(/\((元|人民币|RMB|CNY)\)$/i, "");
}

const BY_HEADER = new Map<string, ColumnField>(Object.entries(ALIASES).flatMap(([field, names]) => names.map((n) => [normalizeHeader(n), field as ColumnField])));

/** Which field a header names, if any. */
export const fieldOfHeader = (h: string): ColumnField | undefined => (h.length > 60 ? undefined : BY_HEADER.get(normalizeHeader(h)));

/** The API's own field names: the English CSV the portal took before (amounts in fen). */
export const API_COLUMNS = ["invoiceNumber", "invoiceCode", "sellerTaxId", "buyerTaxId", "issueDate", "amount", "tax", "total", "currency", "waybillNumbers", "attachments"] as const;

/**
 * The platform's template: the columns of 全量发票查询's 发票基础信息 that intake reads, in its
 * order, and 运单号 (waybill numbers, separated by "|" or "；") at the end. A tax-platform export
 * can be uploaded as it is; the template is for suppliers who keep their invoices elsewhere.
 */
export const TEMPLATE_COLUMNS = ["发票代码", "发票号码", "数电发票号码", "销方识别号", "销方名称", "购方识别号", "购买方名称", "开票日期", "金额", "税额", "价税合计", "运单号"] as const;

/** What each template column takes, for the template's instructions sheet and the docs. */
export const TEMPLATE_NOTES: Record<(typeof TEMPLATE_COLUMNS)[number], string> = {
  发票代码: "只填于非数电发票：10 或 12 位发票代码（数电发票留空）",
  发票号码: "非数电发票的 8 位发票号码；数电发票也可填在这里（20 位）",
  数电发票号码: "数电发票（全电发票）的 20 位号码",
  销方识别号: "销售方纳税人识别号：贵单位的统一社会信用代码（18 位）",
  销方名称: "销售方名称（可不填，仅供核对）",
  购方识别号: "购买方纳税人识别号：购买方的统一社会信用代码（18 位）",
  购买方名称: "购买方名称（可不填，仅供核对）",
  开票日期: "如 2026-11-03（也可带时间，如 2026-11-03 10:21:45）",
  金额: "不含税金额，单位元，最多两位小数，如 12345.60",
  税额: "税额，单位元，最多两位小数；免税填 0",
  价税合计: "金额 + 税额，单位元，最多两位小数（可不填，由平台计算）",
  运单号: "可不填；多个运单号用 | 分隔",
};
