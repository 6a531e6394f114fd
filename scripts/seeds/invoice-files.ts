import iconv from "iconv-lite";
import type { SeedInvoice, SeedOrganization, SeedTaxBureau } from "../../backend/src/modules/invoices/adapters/seed-files";
import { writeXlsx, type CellValue } from "../../backend/src/modules/invoices/files/xlsx";
import { writeZip } from "../../backend/src/modules/invoices/files/zip-write";
import { fenToYuan } from "../../backend/src/modules/invoices/files/yuan";

/**
 * Invoice files a demo supplier can upload (seeds/invoice-files/), and the tax bureau's records of
 * their invoices (added to tax-bureau.json, so the local tax adapter verifies them). Their
 * invoices are not in invoices.json: the demo has not submitted them, so uploading them stores
 * them. All deterministic, without the generator's random numbers (the rest of the seeds stay
 * exactly as they were):
 *
 * - tax-export.xlsx: a 全量发票查询 export (sheets 发票基础信息 and 信息汇总表) of three invoices and
 *   one voided (已作废: skipped on upload);
 * - tax-export-gbk.csv: the same columns saved as CSV by a Chinese Excel (GBK): one new invoice, one
 *   whose 金额 was mistyped (verification refuses it showing the tax bureau's figures; correct it on
 *   the invoices page), and one that tax-export.xlsx holds too (a duplicate, skipped and named);
 * - einvoice-<number>.xml: a 数电票 as 电子发票服务平台 delivers it (EInvoice);
 * - einvoice-<number>.ofd: a 数电票 OFD carrying its data in OFD.xml's CustomDatas.
 */

type TaxRecord = SeedTaxBureau["invoices"][number];
type FileKind = "xlsx" | "csv" | "xml" | "ofd";

export interface UploadSample {
  file: FileKind;
  record: TaxRecord;
  /** What the file says instead, where it was mistyped (fen). */
  typed?: { amount: string; total: string };
  time: string;
}

const SAMPLES: { file: FileKind; day: string; time: string; amount: bigint; voided?: true; typo?: true }[] = [
  { file: "xlsx", day: "2026-11-03", time: "09:41:12", amount: 12_345_600n },
  { file: "xlsx", day: "2026-11-05", time: "14:03:27", amount: 8_760_000n },
  { file: "xlsx", day: "2026-11-06", time: "10:15:50", amount: 21_088_800n },
  { file: "xlsx", day: "2026-11-06", time: "16:22:05", amount: 3_300_000n, voided: true },
  { file: "csv", day: "2026-11-09", time: "11:30:00", amount: 5_432_100n },
  { file: "csv", day: "2026-11-10", time: "15:45:31", amount: 8_642_000n, typo: true },
  { file: "xml", day: "2026-11-11", time: "10:02:44", amount: 15_600_000n },
  { file: "ofd", day: "2026-11-12", time: "09:12:08", amount: 7_020_000n },
];

/** The demo supplier (the first automotive tier-1 supplier with a genuine e-invoice), its customer, and its samples. */
export function uploadSamples(orgs: SeedOrganization[], invoices: SeedInvoice[]): { supplier: SeedOrganization; buyer: SeedOrganization; samples: UploadSample[] } {
  const first = invoices.find((i) => i.scenario === "cq-auto" && !i.expected && !i.duplicateOf && !i.invoice.invoiceCode && i.invoice.invoiceNumber.length === 20)!;
  const supplier = orgs.find((o) => o.uscc === first.supplier)!;
  const buyer = orgs.find((o) => o.uscc === first.invoice.buyerTaxId)!;
  const taken = new Set(invoices.map((i) => i.invoice.invoiceNumber));
  const prefix = first.invoice.invoiceNumber.slice(0, 8);
  const samples = SAMPLES.map((s, i): UploadSample => {
    const invoiceNumber = `${prefix}8800000${String(i + 1).padStart(5, "0")}`;
    if (taken.has(invoiceNumber)) throw new Error(`sample invoice number ${invoiceNumber} is taken`);
    const tax = (s.amount * 13n + 50n) / 100n;
    const record: TaxRecord = {
      invoiceCode: null,
      invoiceNumber,
      sellerTaxId: supplier.uscc,
      buyerTaxId: buyer.uscc,
      issueDate: s.day,
      amount: s.amount.toString(),
      tax: tax.toString(),
      total: (s.amount + tax).toString(),
      currency: "CNY",
      status: s.voided ? "voided" : "normal",
      statusDate: s.voided ? s.day : null,
    };
    // the typo: two digits of 金额 swapped (86,420.00 typed as 84,620.00), 价税合计 added up from it
    const typedAmount = s.typo ? BigInt(fenToYuan(s.amount).replace(/^(\d)(\d)(\d)/, "$1$3$2").replace(".", "")) : null;
    return { file: s.file, record, time: s.time, ...(typedAmount ? { typed: { amount: typedAmount.toString(), total: (typedAmount + tax).toString() } } : {}) };
  });
  return { supplier, buyer, samples };
}

const BASIC_HEADER = ["序号", "发票代码", "发票号码", "数电发票号码", "销方识别号", "销方名称", "购方识别号", "购买方名称", "开票日期", "金额", "税额", "价税合计", "发票来源", "发票票种", "发票状态", "是否正数发票", "发票风险等级", "开票人", "备注"];
const ITEM_HEADER = ["序号", "发票代码", "发票号码", "数电发票号码", "销方识别号", "销方名称", "购方识别号", "购买方名称", "开票日期", "税收分类编码", "特定业务类型", "货物或应税劳务名称", "规格型号", "单位", "数量", "单价", "金额", "税率", "税额", "价税合计", "发票来源", "发票票种", "发票状态", "是否正数发票", "发票风险等级", "开票人", "备注"];

/** The files, by name under seeds/invoice-files/. */
export function invoiceFiles(orgs: SeedOrganization[], invoices: SeedInvoice[]): Record<string, Buffer> {
  const { supplier, buyer, samples } = uploadSamples(orgs, invoices);
  const yuan = (fen: string) => fenToYuan(fen);
  const basic = (s: UploadSample, n: number, amount = s.record.amount, total = s.record.total) => [
    String(n),
    "",
    "",
    s.record.invoiceNumber,
    supplier.uscc,
    supplier.legalName,
    buyer.uscc,
    buyer.legalName,
    `${s.record.issueDate} ${s.time}`,
    yuan(amount),
    yuan(s.record.tax),
    yuan(total),
    "电子发票服务平台",
    "数电发票（增值税专用发票）",
    s.record.status === "voided" ? "已作废" : "正常",
    "是",
    "正常",
    "王芳",
    "",
  ];
  const inXlsx = samples.filter((s) => s.file === "xlsx");
  const num = (v: string): CellValue => ({ number: v });
  const xlsx = writeXlsx([
    {
      name: "发票基础信息",
      rows: [BASIC_HEADER, ...inXlsx.map((s, i) => basic(s, i + 1).map((v, c) => (c >= 9 && c <= 11 ? num(v) : v)))],
      widths: BASIC_HEADER.map((h) => (/号码|识别号/.test(h) ? 24 : /名称/.test(h) ? 30 : 14)),
    },
    {
      // one line per item; the first invoice has two (a part and its freight)
      name: "信息汇总表",
      rows: [
        ITEM_HEADER,
        ...inXlsx.flatMap((s, i) => {
          const b = basic(s, i + 1);
          const lines: [string, string, string, string][] =
            i === 0
              ? [
                  ["*汽车零部件*制动总成", "ZD-220", (BigInt(s.record.amount) - 345_600n).toString(), ((BigInt(s.record.amount) - 345_600n) * 13n / 100n).toString()],
                  ["*运输服务*货物运输费", "", "345600", (BigInt(s.record.tax) - (BigInt(s.record.amount) - 345_600n) * 13n / 100n).toString()],
                ]
              : [["*汽车零部件*转向节", "ZX-08", s.record.amount, s.record.tax]];
          return lines.map(([item, spec, amount, tax]) => [
            ...b.slice(0, 9),
            "1090301000000000000",
            "",
            item,
            spec,
            spec ? "件" : "",
            spec ? { number: "100" } : "",
            spec ? { number: fenToYuan(BigInt(amount) / 100n) } : "",
            num(yuan(amount)),
            "13%",
            num(yuan(tax)),
            num(yuan((BigInt(amount) + BigInt(tax)).toString())),
            ...b.slice(12),
          ]);
        }),
      ],
    },
  ]);

  const inCsv = samples.filter((s) => s.file === "csv");
  const csvRows = [
    BASIC_HEADER.slice(0, 15),
    ...inCsv.map((s, i) => basic(s, i + 1, s.typed?.amount, s.typed?.total).slice(0, 15)),
    basic(inXlsx[0], inCsv.length + 1).slice(0, 15),
  ];
  const csv = iconv.encode(csvRows.map((r) => r.join(",")).join("\r\n") + "\r\n", "gbk");

  const xmlSample = samples.find((s) => s.file === "xml")!;
  const ofdSample = samples.find((s) => s.file === "ofd")!;
  return {
    "tax-export.xlsx": xlsx,
    "tax-export-gbk.csv": csv,
    [`einvoice-${xmlSample.record.invoiceNumber}.xml`]: Buffer.from(einvoiceXml(xmlSample, supplier, buyer), "utf8"),
    [`einvoice-${ofdSample.record.invoiceNumber}.ofd`]: einvoiceOfd(ofdSample, supplier, buyer),
  };
}

/** A 数电票's XML as 电子发票服务平台 delivers it (the EInvoice document; no signature: it is a demo). */
function einvoiceXml(s: UploadSample, seller: SeedOrganization, buyer: SeedOrganization): string {
  const r = s.record;
  return `<?xml version="1.0" encoding="UTF-8"?>
<EInvoice>
  <Header>
    <EIid>${r.invoiceNumber}</EIid>
    <EInvoiceTag>SWEI5000</EInvoiceTag>
    <Version>0.32</Version>
    <InherentLabel>
      <EInvoiceType><LabelCode>01</LabelCode><LabelName>电子发票</LabelName></EInvoiceType>
      <GeneralOrSpecialVAT><LabelCode>01</LabelCode><LabelName>增值税专用发票</LabelName></GeneralOrSpecialVAT>
      <InIssuType><LabelCode>Y</LabelCode><LabelName>是否蓝字发票标志</LabelName></InIssuType>
    </InherentLabel>
  </Header>
  <EInvoiceData>
    <SellerInformation>
      <SellerIdNum>${seller.uscc}</SellerIdNum>
      <SellerName>${seller.legalName}</SellerName>
    </SellerInformation>
    <BuyerInformation>
      <BuyerIdNum>${buyer.uscc}</BuyerIdNum>
      <BuyerName>${buyer.legalName}</BuyerName>
    </BuyerInformation>
    <BasicInformation>
      <TotalAmWithoutTax>${fenToYuan(r.amount)}</TotalAmWithoutTax>
      <TotalTaxAm>${fenToYuan(r.tax)}</TotalTaxAm>
      <TotalTax-includedAmount>${fenToYuan(r.total)}</TotalTax-includedAmount>
      <Drawer>王芳</Drawer>
      <RequestTime>${r.issueDate} ${s.time}</RequestTime>
    </BasicInformation>
    <IssuItemInformation>
      <ItemName>*汽车零部件*减震器总成</ItemName>
      <SpecMod>JZ-310</SpecMod>
      <MeaUnits>件</MeaUnits>
      <Quantity>200</Quantity>
      <UnPrice>${fenToYuan(BigInt(r.amount) / 200n)}</UnPrice>
      <Amount>${fenToYuan(r.amount)}</Amount>
      <TaxRate>0.13</TaxRate>
      <ComTaxAm>${fenToYuan(r.tax)}</ComTaxAm>
    </IssuItemInformation>
  </EInvoiceData>
  <TaxSupervisionInfo>
    <InvoiceNumber>${r.invoiceNumber}</InvoiceNumber>
    <IssueTime>${r.issueDate} ${s.time}</IssueTime>
    <TaxBureauCode>15000000000</TaxBureauCode>
    <TaxBureauName>国家税务总局重庆市税务局</TaxBureauName>
  </TaxSupervisionInfo>
</EInvoice>
`;
}

/** A 数电票's OFD: OFD.xml with the invoice's CustomDatas, one page with its text (no seal, no signature: a demo). */
function einvoiceOfd(s: UploadSample, seller: SeedOrganization, buyer: SeedOrganization): Buffer {
  const r = s.record;
  const ns = `xmlns:ofd="http://www.ofdspec.org/2016"`;
  const date = `${r.issueDate.slice(0, 4)}年${r.issueDate.slice(5, 7)}月${r.issueDate.slice(8, 10)}日`;
  const texts = [`电子发票（增值税专用发票）`, `发票号码：${r.invoiceNumber}`, `开票日期：${date}`, buyer.legalName, buyer.uscc, seller.legalName, seller.uscc, `¥${fenToYuan(r.amount)}`, `¥${fenToYuan(r.tax)}`, `¥${fenToYuan(r.total)}`];
  return writeZip([
    {
      name: "OFD.xml",
      data: `<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD ${ns} DocType="OFD" Version="1.1"><ofd:DocBody><ofd:DocInfo><ofd:DocID>${r.invoiceNumber}</ofd:DocID><ofd:CreationDate>${r.issueDate}</ofd:CreationDate><ofd:CustomDatas>
<ofd:CustomData Name="发票号码">${r.invoiceNumber}</ofd:CustomData>
<ofd:CustomData Name="开票日期">${date}</ofd:CustomData>
<ofd:CustomData Name="合计金额">${fenToYuan(r.amount)}</ofd:CustomData>
<ofd:CustomData Name="合计税额">${fenToYuan(r.tax)}</ofd:CustomData>
<ofd:CustomData Name="购买方纳税人识别号">${buyer.uscc}</ofd:CustomData>
<ofd:CustomData Name="销售方纳税人识别号">${seller.uscc}</ofd:CustomData>
</ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>
`,
    },
    {
      name: "Doc_0/Document.xml",
      data: `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document ${ns}><ofd:CommonData><ofd:MaxUnitID>${texts.length + 10}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>
`,
    },
    {
      name: "Doc_0/Pages/Page_0/Content.xml",
      data: `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page ${ns}><ofd:Content><ofd:Layer ID="2">${texts
        .map((t, i) => `<ofd:TextObject ID="${i + 10}" Boundary="10 ${10 + i * 10} 190 8" Font="1" Size="3.5"><ofd:TextCode X="0" Y="3">${t}</ofd:TextCode></ofd:TextObject>`)
        .join("")}</ofd:Layer></ofd:Content></ofd:Page>
`,
    },
  ]);
}
