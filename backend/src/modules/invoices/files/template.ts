import { TEMPLATE_COLUMNS, TEMPLATE_NOTES } from "./columns";
import { writeXlsx } from "./xlsx";

/**
 * The upload template, as XLSX or CSV: the tax platform's 发票基础信息 columns that intake reads
 * (a 全量发票查询 export uploads as it is; the template is for invoices kept elsewhere). The XLSX has
 * a second sheet, 填写说明, saying what each column takes. The CSV is UTF-8 with a byte-order mark,
 * which Excel and WPS open with the Chinese headers intact.
 */
export function invoiceTemplate(format: "xlsx" | "csv"): { body: Buffer; contentType: string; fileName: string } {
  if (format === "csv") {
    return { body: Buffer.from(`\uFEFF${TEMPLATE_COLUMNS.join(",")}\r\n`, "utf8"), contentType: "text/csv; charset=utf-8", fileName: "invoice-template.csv" };
  }
  const body = writeXlsx([
    { name: "发票基础信息", rows: [[...TEMPLATE_COLUMNS]], widths: TEMPLATE_COLUMNS.map((c) => (/号码|识别号/.test(c) ? 24 : /名称/.test(c) ? 30 : 14)) },
    {
      name: "填写说明",
      rows: [["列", "填写说明"], ...TEMPLATE_COLUMNS.map((c) => [c, TEMPLATE_NOTES[c]]), [], ["", "每张发票一行；金额以元为单位，最多两位小数。税务平台“全量发票查询”导出的文件可直接上传，无需改用本模板。"]],
      widths: [16, 70],
    },
  ]);
  return { body, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fileName: "invoice-template.xlsx" };
}
