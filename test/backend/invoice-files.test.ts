import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import iconv from "iconv-lite";
import { readInvoiceFile, type FileReading } from "../../backend/src/modules/invoices/files/read";
import { FILE_LIMITS, FileRefused } from "../../backend/src/modules/invoices/files/limits";
import { fenToYuan, spreadsheetNumber, yuanToFen } from "../../backend/src/modules/invoices/files/yuan";
import { decodeText } from "../../backend/src/modules/invoices/files/decode";
import { readCsv } from "../../backend/src/modules/invoices/files/csv";
import { readXlsx, writeXlsx, serialDate } from "../../backend/src/modules/invoices/files/xlsx";
import { writeZip } from "../../backend/src/modules/invoices/files/zip-write";
import { invoiceTemplate } from "../../backend/src/modules/invoices/files/template";
import { TEMPLATE_COLUMNS } from "../../backend/src/modules/invoices/files/columns";
import { invoiceFiles, uploadSamples } from "../../scripts/seeds/invoice-files";
import { generateSeeds } from "../../scripts/seeds/generator";

/**
 * Reading invoice files without the stack: money in 元 to fen exactly, encodings, the tax
 * platform's exports and the template, e-invoice XML, OFD and PDF, and hostile files (each refused
 * with its own code, within the bounds of FILE_LIMITS, before anything could be written).
 */

const SELLER = "91500113MADBX97YDM";
const BUYER = "91500112MA8Q2595Y2";
const read = (bytes: Buffer | string, name = "file", own = SELLER) => readInvoiceFile(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, "utf8"), name, own);
const refusal = async (p: Promise<unknown>): Promise<{ code: string; status: number; message: string }> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof FileRefused || (e as { status?: number }).status) {
      const err = e as FileRefused;
      return { code: err.code, status: err.status, message: err.message };
    }
    throw e;
  }
  throw new Error("expected the file to be refused");
};
const inputs = (r: FileReading) => r.invoices.map((i) => i.input);

const HEADER = "序号,发票代码,发票号码,数电发票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税额,价税合计,发票状态";
const row = (n: number, number: string, amount: string, tax: string, total: string, status = "正常", date = "2026-11-03 09:41:12") =>
  `${n},,,${number},${SELLER},渝南制动系统有限公司,${BUYER},渝川汽车集团有限公司,${date},${amount},${tax},${total},${status}`;

describe("money in yuan", () => {
  it("converts yuan text to fen exactly, as people and exports write it", () => {
    for (const [text, fen] of [
      ["12345.60", "1234560"],
      ["12,345.6", "1234560"],
      ["¥1,234.56", "123456"],
      ["￥ 99", "9900"],
      ["0.01", "1"],
      ["1234567890123.45", "123456789012345"],
      ["12345.", "1234500"],
    ]) {
      expect(yuanToFen(text), text).toEqual({ ok: true, fen, negative: false });
    }
    expect(yuanToFen("-5.00")).toEqual({ ok: true, fen: "500", negative: true });
  });

  it("refuses a third decimal and anything that is not an amount, saying why", () => {
    const r = yuanToFen("1.234");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/3 decimal places.*at most 2/);
    for (const bad of ["abc", "1,23", "12.3.4", "1e5", "", "0x10", "１２"]) expect(yuanToFen(bad).ok, bad).toBe(false);
  });

  it("round-trips every amount: fen → yuan text → fen (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 17n }), (fen) => {
        const r = yuanToFen(fenToYuan(fen));
        expect(r).toEqual({ ok: true, fen: fen.toString(), negative: false });
      }),
      { numRuns: 300 },
    );
  });

  it("reads a spreadsheet's binary double back as the two-decimal amount it stands for, by its digits", () => {
    expect(spreadsheetNumber("1234.5599999999999")).toBe("1234.56");
    expect(spreadsheetNumber("0.30000000000000004")).toBe("0.30");
    expect(spreadsheetNumber("99.999999999999986")).toBe("100.00");
    expect(spreadsheetNumber("1234.56")).toBe("1234.56");
    // a real third decimal is not rounded away: it is refused
    expect(spreadsheetNumber("1234.567")).toBe("1234.567");
    expect(yuanToFen(spreadsheetNumber("1234.567")).ok).toBe(false);
  });
});

describe("text files", () => {
  it("detects UTF-8 (with or without BOM), GBK and UTF-16", () => {
    expect(decodeText(Buffer.from("\uFEFF发票号码", "utf8"))).toEqual({ text: "发票号码", encoding: "UTF-8" });
    expect(decodeText(Buffer.from("发票号码", "utf8"))).toEqual({ text: "发票号码", encoding: "UTF-8" });
    expect(decodeText(iconv.encode("发票号码,金额", "gbk"))).toEqual({ text: "发票号码,金额", encoding: "GBK" });
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("发票号码", "utf16le")]))).toEqual({ text: "发票号码", encoding: "UTF-16LE" });
  });

  it("reads CSV: quoted fields with commas and line breaks, tabs, blank lines; rows numbered as an editor shows them", () => {
    const rows = readCsv('a,b,c\r\n"x, y","line1\nline2",z\r\n\r\n1,2,3\n');
    expect(rows).toEqual([
      { row: 1, cells: ["a", "b", "c"] },
      { row: 2, cells: ["x, y", "line1\nline2", "z"] },
      { row: 5, cells: ["1", "2", "3"] },
    ]);
    expect(readCsv("a\tb\n1\t2").map((r) => r.cells)).toEqual([["a", "b"], ["1", "2"]]);
  });
});

describe("tax-platform exports and the template", () => {
  it("reads a GBK CSV export: 数电发票号码, yuan to fen, the date without its time; a voided row is skipped with its reason", async () => {
    const csv = iconv.encode([HEADER, row(1, "26502001880000000001", "123456.00", "16049.28", "139505.28"), row(2, "26502001880000000002", "33000", "4290", "37290", "已作废")].join("\r\n"), "gbk");
    const r = await read(csv, "export.csv");
    expect(r).toMatchObject({ format: "csv", encoding: "GBK", kind: "CSV (GBK)" });
    expect(inputs(r)).toEqual([
      {
        invoiceNumber: "26502001880000000001",
        sellerTaxId: SELLER,
        buyerTaxId: BUYER,
        issueDate: "2026-11-03",
        amount: "12345600",
        tax: "1604928",
        total: "13950528",
        currency: "CNY",
        waybillNumbers: [],
        attachments: [],
      },
    ]);
    expect(r.skipped).toEqual([{ row: 3, invoiceNumber: "26502001880000000002", code: "VOIDED", reason: expect.stringMatching(/voided \(作废\)/) }]);
  });

  it("names the row and column of each problem: a third decimal, an unreadable amount, a number stored as a number", async () => {
    const r = await read([HEADER, row(1, "26502001880000000001", "100.001", "13", "113.001"), row(2, "2.6502001880000E+19", "100", "13", "113"), row(3, "26502001880000000003", "一百", "13", "113")].join("\n"));
    expect(r.problems).toEqual([
      { row: 2, column: "金额", message: expect.stringMatching(/3 decimal places/) },
      { row: 2, column: "价税合计", message: expect.stringMatching(/3 decimal places/) },
      { row: 3, column: "数电发票号码", message: expect.stringMatching(/lost its digits/) },
      { row: 4, column: "金额", message: expect.stringMatching(/not an amount in yuan/) },
    ]);
  });

  it("takes older invoices (发票代码 + 8-digit 发票号码), other spellings of the headers, a title row, and skips a 合计 row", async () => {
    const csv = [
      "增值税发票综合服务平台 发票下载",
      "发票代码,发票号码,销售方纳税人识别号,购买方纳税人识别号,开票日期,合计金额,合计税额,价税合计（小写）,运单号",
      `5001262130,01234567,${SELLER},${BUYER},2026年11月3日,"1,000.00",130.00,"1,130.00",CYWL202611030001|CYWL202611030002`,
      "合计,,,,,1000.00,130.00,1130.00,",
    ].join("\n");
    const r = await read(csv);
    expect(r.problems).toEqual([]);
    expect(inputs(r)).toEqual([
      expect.objectContaining({ invoiceCode: "5001262130", invoiceNumber: "01234567", issueDate: "2026-11-03", amount: "100000", tax: "13000", total: "113000", waybillNumbers: ["CYWL202611030001", "CYWL202611030002"] }),
    ]);
  });

  it("takes numbers kept as text the ways spreadsheets do it: a leading apostrophe, the =\"…\" wrapper, spaces", async () => {
    const r = await read(`数电发票号码,销方识别号,购方识别号,开票日期,金额,税额,价税合计\n'26502001880000000101,=""${SELLER}"",${BUYER},2026-11-03,100,13,113\n"=""26502001880000000102""",${SELLER}, ${BUYER} ,2026-11-03,100,13,113`);
    expect(r.problems).toEqual([]);
    expect(inputs(r).map((i) => [i.invoiceNumber, i.sellerTaxId, i.buyerTaxId])).toEqual([
      ["26502001880000000101", SELLER, BUYER],
      ["26502001880000000102", SELLER, BUYER],
    ]);
  });

  it("skips invoices the supplier received (进项) and red-letter ones", async () => {
    const csv = [
      "数电发票号码,销方识别号,购方识别号,开票日期,金额,税额,价税合计,是否正数发票",
      `26502001880000000011,${BUYER},${SELLER},2026-11-03,100,13,113,是`,
      `26502001880000000012,${SELLER},${BUYER},2026-11-03,-100,-13,-113,否`,
      `26502001880000000013,${SELLER},${BUYER},2026-11-03,-100,-13,-113,`,
    ].join("\n");
    const r = await read(csv);
    expect(r.invoices).toEqual([]);
    expect(r.skipped.map((s) => [s.row, s.code, s.reason])).toEqual([
      [2, "RECEIVED", expect.stringMatching(/received.*进项/)],
      [3, "NEGATIVE", expect.stringMatching(/red-letter/)],
      [4, "NEGATIVE", expect.stringMatching(/red-letter/)],
    ]);
  });

  it("still reads the API's own CSV columns (amounts in fen), as the portal took them before", async () => {
    const r = await read(`invoiceNumber,sellerTaxId,buyerTaxId,issueDate,amount,tax,total,waybillNumbers\n26502001880000000021,${SELLER},${BUYER},2026-11-03,10000,1300,11300,CYWL202611030001`);
    expect(inputs(r)).toEqual([expect.objectContaining({ amount: "10000", tax: "1300", total: "11300", waybillNumbers: ["CYWL202611030001"] })]);
  });

  it("reads an XLSX export's 发票基础信息 sheet: numbers as the file stores them (never through a float), dates as text or serials", async () => {
    const xlsx = writeXlsx([
      { name: "说明", rows: [["全量发票查询导出结果"]] },
      {
        name: "发票基础信息",
        rows: [
          ["发票代码", "发票号码", "数电发票号码", "销方识别号", "购方识别号", "开票日期", "金额", "税额", "价税合计"],
          ["", "", "26502001880000000031", SELLER, BUYER, "2026-11-03 09:41:12", { number: "1234.5599999999999" }, { number: "160.49" }, { number: "1395.05" }],
          ["", "", "26502001880000000032", SELLER, BUYER, { number: "46329" }, { number: "99999999999.99" }, { number: "0" }, { number: "99999999999.99" }],
        ],
      },
    ]);
    const r = await read(xlsx, "export.xlsx");
    expect(r).toMatchObject({ format: "xlsx", sheet: "发票基础信息", problems: [] });
    expect(inputs(r).map((i) => [i.issueDate, i.amount, i.tax, i.total])).toEqual([
      ["2026-11-03", "123456", "16049", "139505"],
      [serialDate("46329"), "9999999999999", "0", "9999999999999"],
    ]);
  });

  it("sums a line-item sheet (信息汇总表) per invoice, exactly, discount lines included", async () => {
    const h = ["数电发票号码", "销方识别号", "购方识别号", "开票日期", "货物或应税劳务名称", "金额", "税额", "价税合计"];
    const line = (n: string, item: string, a: string, t: string, s: string) => [n, SELLER, BUYER, "2026-11-03", item, { number: a }, { number: t }, { number: s }];
    const xlsx = writeXlsx([{ name: "信息汇总表", rows: [h, line("26502001880000000041", "*零件*A", "100.10", "13.01", "113.11"), line("26502001880000000041", "*零件*B", "0.20", "0.03", "0.23"), line("26502001880000000041", "折扣", "-10.00", "-1.30", "-11.30"), line("26502001880000000042", "*零件*C", "5", "0.65", "5.65")] }]);
    const r = await read(xlsx, "items.xlsx");
    expect(inputs(r).map((i) => [i.invoiceNumber, i.amount, i.tax, i.total])).toEqual([
      ["26502001880000000041", "9030", "1174", "10204"],
      ["26502001880000000042", "500", "65", "565"],
    ]);
  });

  it("refuses a sheet without the columns it needs, naming what it found", async () => {
    const e = await refusal(read(writeXlsx([{ name: "Sheet1", rows: [["客户", "数量"], ["甲", { number: "1" }]] }]), "other.xlsx"));
    expect(e).toMatchObject({ code: "INVOICE_FILE.COLUMNS_MISSING", status: 422 });
    expect(e.message).toMatch(/Sheet1.*发票号码/s);
  });

  it("serves a template (XLSX and CSV) that reads back: its headers are the export's, and a filled-in row is an invoice", async () => {
    const xlsx = invoiceTemplate("xlsx");
    const book = await readXlsx(xlsx.body);
    expect(book.names).toEqual(["发票基础信息", "填写说明"]);
    expect(book.sheet("发票基础信息").rows[0].cells).toEqual([...TEMPLATE_COLUMNS]);
    const csv = invoiceTemplate("csv").body.toString("utf8");
    expect(csv).toBe(`\uFEFF${TEMPLATE_COLUMNS.join(",")}\r\n`);
    const filled = `${csv}5001262130,01234567,,${SELLER},,${BUYER},,2026-11-03,1000.00,130.00,1130.00,CYWL202611030001\r\n`;
    expect(inputs(await read(filled))).toEqual([expect.objectContaining({ invoiceCode: "5001262130", amount: "100000", total: "113000" })]);
  });
});

describe("e-invoice files", () => {
  const digital = (o: { number?: string; label?: string; buyer?: string; seller?: string; total?: string } = {}) => `<?xml version="1.0" encoding="UTF-8"?>
<EInvoice><Header><EIid>${o.number ?? "26502001880000000051"}</EIid><InherentLabel><InIssuType><LabelCode>${o.label ?? "Y"}</LabelCode></InIssuType></InherentLabel></Header>
<EInvoiceData><SellerInformation><SellerIdNum>${o.seller ?? SELLER}</SellerIdNum><SellerName>渝南制动 &amp; 系统</SellerName></SellerInformation>
<BuyerInformation><BuyerIdNum>${o.buyer ?? BUYER}</BuyerIdNum></BuyerInformation>
<BasicInformation><TotalAmWithoutTax>156000.00</TotalAmWithoutTax><TotalTaxAm>20280.00</TotalTaxAm><TotalTax-includedAmount>${o.total ?? "176280.00"}</TotalTax-includedAmount><RequestTime>2026-11-11 10:02:44</RequestTime></BasicInformation></EInvoiceData>
<TaxSupervisionInfo><InvoiceNumber>${o.number ?? "26502001880000000051"}</InvoiceNumber><IssueTime>2026-11-11 10:02:44</IssueTime></TaxSupervisionInfo></EInvoice>`;

  it("reads a 数电票 XML, keeping the file as the invoice's attachment", async () => {
    const r = await read(digital(), "dzfp_26502001880000000051.xml");
    expect(r).toMatchObject({ format: "xml", kind: "数电票 XML", problems: [], skipped: [] });
    expect(inputs(r)).toEqual([
      {
        invoiceNumber: "26502001880000000051",
        sellerTaxId: SELLER,
        buyerTaxId: BUYER,
        issueDate: "2026-11-11",
        amount: "15600000",
        tax: "2028000",
        total: "17628000",
        currency: "CNY",
        waybillNumbers: [],
        attachments: [{ name: "dzfp_26502001880000000051.xml", sha256: r.sha256 }],
      },
    ]);
  });

  it("reads an older VAT e-invoice XML (eInvoice, code and number)", async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><fp:eInvoice xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019"><fp:InvoiceCode>050001700111</fp:InvoiceCode><fp:InvoiceNo>12235358</fp:InvoiceNo><fp:IssueDate><![CDATA[2026年11月05日]]></fp:IssueDate><fp:Buyer><fp:BuyerTaxID>${BUYER}</fp:BuyerTaxID></fp:Buyer><fp:Seller><fp:SellerTaxID>${SELLER}</fp:SellerTaxID></fp:Seller><fp:TaxInclusiveTotalAmount>10600.00</fp:TaxInclusiveTotalAmount><fp:TaxExclusiveTotalAmount>10000.00</fp:TaxExclusiveTotalAmount><fp:TaxTotalAmount>600.00</fp:TaxTotalAmount></fp:eInvoice>`;
    const r = await read(xml, "original_invoice.xml");
    expect(inputs(r)).toEqual([expect.objectContaining({ invoiceCode: "050001700111", invoiceNumber: "12235358", issueDate: "2026-11-05", amount: "1000000", tax: "60000", total: "1060000" })]);
  });

  it("skips a red-letter 数电票 and one the supplier received; names what a file does not say", async () => {
    expect((await read(digital({ label: "N" }))).skipped[0].reason).toMatch(/red-letter/);
    expect((await read(digital({ buyer: SELLER, seller: BUYER }))).skipped[0].reason).toMatch(/received/);
    const noBuyer = await read(digital({ buyer: "" }));
    expect(noBuyer.problems).toEqual([{ row: 1, column: "BuyerIdNum", message: expect.stringMatching(/buyer's tax id/) }]);
    expect(await refusal(read("<Order><Id>1</Id></Order>", "order.xml"))).toMatchObject({ code: "INVOICE_FILE.NO_INVOICE_DATA", message: expect.stringMatching(/<Order>/) });
  });

  it("reads an OFD: an attached invoice XML first, then OFD.xml's CustomDatas, then the semantic tags over the page text", async () => {
    const ofdXml = (custom: string) => `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocInfo><ofd:CustomDatas>${custom}</ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`;
    const withAttachment = writeZip([
      { name: "OFD.xml", data: ofdXml(`<ofd:CustomData Name="发票号码">99999999999999999999</ofd:CustomData>`) },
      { name: "Doc_0/Attachs/26502001880000000051.xml", data: digital() },
    ]);
    expect(inputs(await read(withAttachment, "a.ofd"))).toEqual([expect.objectContaining({ invoiceNumber: "26502001880000000051", total: "17628000" })]);

    const customData = writeZip([
      {
        name: "OFD.xml",
        data: ofdXml(
          `<ofd:CustomData Name="发票号码">26502001880000000061</ofd:CustomData><ofd:CustomData Name="开票日期">2026年11月12日</ofd:CustomData><ofd:CustomData Name="合计金额">70200.00</ofd:CustomData><ofd:CustomData Name="合计税额">9126.00</ofd:CustomData><ofd:CustomData Name="购买方纳税人识别号">${BUYER}</ofd:CustomData><ofd:CustomData Name="销售方纳税人识别号">${SELLER}</ofd:CustomData>`,
        ),
      },
    ]);
    const r = await read(customData, "b.ofd");
    expect(r.kind).toBe("OFD");
    expect(inputs(r)).toEqual([expect.objectContaining({ invoiceNumber: "26502001880000000061", issueDate: "2026-11-12", amount: "7020000", tax: "912600", total: "7932600" })]);

    const page = (objects: [string, string][]) =>
      `<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>${objects.map(([id, t]) => `<ofd:TextObject ID="${id}"><ofd:TextCode>${t}</ofd:TextCode></ofd:TextObject>`).join("")}</ofd:Layer></ofd:Content></ofd:Page>`;
    const tagged = writeZip([
      { name: "OFD.xml", data: ofdXml("") },
      { name: "Doc_0/Pages/Page_0/Content.xml", data: page([["1", "26502001880000000071"], ["2", "2026年11月12日"], ["3", BUYER], ["4", SELLER], ["5", "¥"], ["6", "100.00"], ["7", "¥13.00"], ["8", "¥113.00"]]) },
      {
        name: "Doc_0/Tags/CustomTag.xml",
        data: `<root><InvoiceNo><ObjectRef>1</ObjectRef></InvoiceNo><IssueDate><ObjectRef>2</ObjectRef></IssueDate><BuyerTaxID><ObjectRef>3</ObjectRef></BuyerTaxID><SellerTaxID><ObjectRef>4</ObjectRef></SellerTaxID><TaxExclusiveTotalAmount><ObjectRef>5</ObjectRef><ObjectRef>6</ObjectRef></TaxExclusiveTotalAmount><TaxTotalAmount><ObjectRef>7</ObjectRef></TaxTotalAmount><TaxInclusiveTotalAmount><ObjectRef>8</ObjectRef></TaxInclusiveTotalAmount></root>`,
      },
    ]);
    expect(inputs(await read(tagged, "c.ofd"))).toEqual([expect.objectContaining({ invoiceNumber: "26502001880000000071", amount: "10000", tax: "1300", total: "11300" })]);

    const drawnOnly = writeZip([{ name: "OFD.xml", data: ofdXml("") }, { name: "Doc_0/Pages/Page_0/Content.xml", data: page([["1", "发票号码：26502001880000000081"]]) }]);
    expect(await refusal(read(drawnOnly, "d.ofd"))).toMatchObject({ code: "INVOICE_FILE.NO_INVOICE_DATA", message: expect.stringMatching(/only drawn text/) });
  });

  it("reads a PDF's embedded invoice XML; a PDF without one is refused, saying the page text is not read", async () => {
    const data = deflateSync(Buffer.from(digital()));
    const pdf = Buffer.concat([
      Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >>\nendobj\n3 0 obj\n<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Length " + data.length + " >>\nstream\n", "latin1"),
      data,
      Buffer.from("\nendstream\nendobj\n%%EOF\n", "latin1"),
    ]);
    const r = await read(pdf, "dzfp.pdf");
    expect(r).toMatchObject({ format: "pdf", kind: "PDF (embedded 数电票 XML)" });
    expect(inputs(r)).toEqual([expect.objectContaining({ invoiceNumber: "26502001880000000051", total: "17628000" })]);
    const plain = await refusal(read(Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Page >>\nendobj\nBT (发票号码) Tj ET\n%%EOF", "latin1"), "scan.pdf"));
    expect(plain).toMatchObject({ code: "INVOICE_FILE.NO_INVOICE_DATA", status: 422, message: expect.stringMatching(/text printed on its page is not read/) });
  });
});

describe("hostile files: each refused with its own code, within FILE_LIMITS", () => {
  it("a file over the size limit", async () => {
    expect(await refusal(read(Buffer.alloc(FILE_LIMITS.bytes + 1, 0x41)))).toMatchObject({ code: "INVOICE_FILE.TOO_LARGE", status: 413 });
  });

  it("XML with external entities (XXE), an entity expansion bomb, and elements nested too deep", async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE EInvoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><EInvoice><Header><EIid>&xxe;</EIid></Header></EInvoice>`;
    expect(await refusal(read(xxe, "xxe.xml"))).toMatchObject({ code: "INVOICE_FILE.UNSAFE_XML", status: 422, message: expect.stringMatching(/DOCTYPE or entities/) });
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><EInvoice>&lol2;</EInvoice>`;
    expect(await refusal(read(laughs, "lol.xml"))).toMatchObject({ code: "INVOICE_FILE.UNSAFE_XML" });
    const deep = `<EInvoice>${"<a>".repeat(50_000)}${"</a>".repeat(50_000)}</EInvoice>`;
    expect(await refusal(read(deep, "deep.xml"))).toMatchObject({ code: "INVOICE_FILE.UNSAFE_XML", message: expect.stringMatching(/nests elements/) });
    // an XLSX part or an OFD part is XML too: the same refusal
    const ofd = writeZip([{ name: "OFD.xml", data: `<?xml version="1.0"?><!DOCTYPE ofd:OFD SYSTEM "http://127.0.0.1:1/x.dtd"><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>` }]);
    expect(await refusal(read(ofd, "xxe.ofd"))).toMatchObject({ code: "INVOICE_FILE.UNSAFE_XML" });
  });

  it("a zip bomb in an XLSX and in an OFD (declared and undeclared sizes)", async () => {
    const zeros = Buffer.alloc(13 * 1024 * 1024); // 13 MiB of zeros deflate to about 13 KiB
    const xlsxBomb = writeZip([{ name: "xl/workbook.xml", data: "<workbook/>" }, { name: "xl/sharedStrings.xml", data: zeros }]);
    expect(xlsxBomb.length).toBeLessThan(FILE_LIMITS.bytes);
    expect(await refusal(read(xlsxBomb, "bomb.xlsx"))).toMatchObject({ code: "INVOICE_FILE.EXPANDS_TOO_FAR", status: 413 });
    const ofdBomb = writeZip([{ name: "OFD.xml", data: zeros }]);
    expect(await refusal(read(ofdBomb, "bomb.ofd"))).toMatchObject({ code: "INVOICE_FILE.EXPANDS_TOO_FAR", status: 413 });
    // the same bomb declaring 1 KiB in its central directory: stopped by the bytes actually inflated
    const lying = Buffer.from(ofdBomb);
    const cd = lying.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(1024, cd + 24);
    lying.writeUInt32LE(1024, 22); // and in the local header
    expect(await refusal(read(lying, "lying.ofd"))).toMatchObject({ code: "INVOICE_FILE.EXPANDS_TOO_FAR", status: 413 });
    // a zip of a thousand entries
    const many = writeZip(Array.from({ length: 1000 }, (_, i) => ({ name: `Doc_0/Res/${i}.xml`, data: "<a/>" })).concat([{ name: "OFD.xml", data: "<a/>" }]));
    expect(await refusal(read(many, "many.ofd"))).toMatchObject({ code: "INVOICE_FILE.EXPANDS_TOO_FAR", message: expect.stringMatching(/1001 entries/) });
  });

  it("a sheet of a million rows (XLSX and CSV)", async () => {
    const rows = "<row><c><v>1</v></c></row>".repeat(1_000_000);
    const sheet = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>发票号码</t></is></c><c r="B1" t="inlineStr"><is><t>金额</t></is></c></row>${rows}</sheetData></worksheet>`;
    // a huge sheet (22 MB of XML, deflated to a few KiB): refused by its size before a row is parsed
    const entries = [
      { name: "xl/workbook.xml", data: `<workbook xmlns:r="r"><sheets><sheet name="发票基础信息" sheetId="1" r:id="rId1"/></sheets></workbook>` },
      { name: "xl/_rels/workbook.xml.rels", data: `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>` },
      { name: "xl/worksheets/sheet1.xml", data: sheet },
    ];
    const huge = writeZip(entries);
    expect(huge.length).toBeLessThan(FILE_LIMITS.bytes);
    expect(await refusal(read(huge, "million.xlsx"))).toMatchObject({ code: "INVOICE_FILE.TOO_MANY_ROWS", status: 413, message: expect.stringMatching(/far more rows/) });
    // a million empty rows fit in 12 MB of XML: refused by counting rows
    const empty = `<worksheet><sheetData>${'<row r="1"/>'.repeat(1_000_000)}</sheetData></worksheet>`;
    const emptyRows = writeZip([entries[0], entries[1], { name: "xl/worksheets/sheet1.xml", data: empty }]);
    expect(await refusal(read(emptyRows, "empty-rows.xlsx"))).toMatchObject({ code: "INVOICE_FILE.TOO_MANY_ROWS", status: 413 });
    const csv = [HEADER, ...Array.from({ length: 3000 }, (_, i) => row(i + 1, `2650200188${String(i).padStart(10, "0")}`, "1", "0", "1"))].join("\n");
    expect(await refusal(read(csv))).toMatchObject({ code: "INVOICE_FILE.TOO_MANY_ROWS", status: 413 });
  });

  it("text built to make a parser backtrack or loop: unclosed tags and comments, a date cell of spaces, a PDF full of markers, a PDF bomb", async () => {
    expect(await refusal(read(`<EInvoice>${"<a".repeat(300_000)}`, "unclosed.xml"))).toMatchObject({ code: "INVOICE_FILE.UNREADABLE", status: 422 });
    expect(await refusal(read(`<EInvoice>${"<!--".repeat(150_000)}`, "comments.xml"))).toMatchObject({ status: 422 });
    const spaces = await read(`数电发票号码,销方识别号,购方识别号,开票日期,金额,税额,价税合计\n26502001880000000091,${SELLER},${BUYER},"2026-11-03${" ".repeat(600_000)}\nx",100,13,113`);
    expect(spaces.invoices[0].input.issueDate).not.toBe("2026-11-03");
    expect(await refusal(read(`%PDF-1.7\n${"/EmbeddedFiles ".repeat(40_000)}\n%%EOF`, "markers.pdf"))).toMatchObject({ code: "INVOICE_FILE.NO_INVOICE_DATA" });
    const bomb = deflateSync(Buffer.alloc(13 * 1024 * 1024));
    const pdfBomb = Buffer.concat([Buffer.from(`%PDF-1.7\n3 0 obj\n<< /Type /EmbeddedFile /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`, "latin1"), bomb, Buffer.from("\nendstream\nendobj\n%%EOF\n", "latin1")]);
    expect(await refusal(read(pdfBomb, "bomb.pdf"))).toMatchObject({ code: "INVOICE_FILE.EXPANDS_TOO_FAR", status: 413 });
  });

  it("a damaged zip, binary junk, an old .xls, a zip of something else, an empty file", async () => {
    const xlsx = invoiceTemplate("xlsx").body;
    expect(await refusal(read(xlsx.subarray(0, xlsx.length - 30), "cut.xlsx"))).toMatchObject({ code: "INVOICE_FILE.UNREADABLE", status: 422 });
    expect(await refusal(read(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0xfe, 0x00, 0x10]), "junk.bin"))).toMatchObject({ code: expect.stringMatching(/UNSUPPORTED|UNREADABLE/), status: 422 });
    expect(await refusal(read(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "old.xls"))).toMatchObject({ code: "INVOICE_FILE.UNSUPPORTED", message: expect.stringMatching(/\.xls/) });
    expect(await refusal(read(writeZip([{ name: "hello.txt", data: "hi" }]), "a.zip"))).toMatchObject({ code: "INVOICE_FILE.UNSUPPORTED" });
    expect(await refusal(read(Buffer.alloc(0)))).toMatchObject({ code: "INVOICE_FILE.UNREADABLE", message: expect.stringMatching(/empty/) });
  });
});

describe("the sample files in seeds/invoice-files", () => {
  const seeds = generateSeeds();
  const orgs = seeds["organizations.json"].organizations;
  const invoices = seeds["invoices.json"].invoices;
  const dir = join(__dirname, "../../seeds/invoice-files");

  it("are exactly what the deterministic generator makes", () => {
    const made = invoiceFiles(orgs, invoices);
    expect(readdirSync(dir).sort()).toEqual(Object.keys(made).sort());
    for (const [name, bytes] of Object.entries(made)) expect(readFileSync(join(dir, name)).equals(bytes), name).toBe(true);
  });

  it("read as the invoices the local tax bureau records (one typo on purpose, one voided, one duplicate)", async () => {
    const { supplier, samples } = uploadSamples(orgs, invoices);
    const tax = new Map(seeds["tax-bureau.json"].invoices.map((t) => [t.invoiceNumber, t]));
    const fen = (i: Record<string, unknown>) => [i.invoiceNumber, i.issueDate, i.amount, i.tax, i.total];
    const recorded = (n: string) => {
      const t = tax.get(n)!;
      return [t.invoiceNumber, t.issueDate, t.amount, t.tax, t.total];
    };
    const files = readdirSync(dir);
    const xlsx = await read(readFileSync(join(dir, "tax-export.xlsx")), "tax-export.xlsx", supplier.uscc);
    expect(xlsx).toMatchObject({ sheet: "发票基础信息", problems: [] });
    expect(inputs(xlsx).map(fen)).toEqual(samples.filter((s) => s.file === "xlsx" && s.record.status === "normal").map((s) => recorded(s.record.invoiceNumber)));
    expect(xlsx.skipped).toEqual([expect.objectContaining({ reason: expect.stringMatching(/voided/) })]);

    const csv = await read(readFileSync(join(dir, "tax-export-gbk.csv")), "tax-export-gbk.csv", supplier.uscc);
    expect(csv).toMatchObject({ encoding: "GBK", problems: [] });
    const typo = samples.find((s) => s.typed)!;
    expect(inputs(csv).map((i) => i.invoiceNumber)).toEqual([...samples.filter((s) => s.file === "csv").map((s) => s.record.invoiceNumber), samples[0].record.invoiceNumber]);
    expect(inputs(csv).find((i) => i.invoiceNumber === typo.record.invoiceNumber)).toMatchObject({ amount: typo.typed!.amount, total: typo.typed!.total });

    for (const name of files.filter((f) => /^einvoice-/.test(f))) {
      const r = await read(readFileSync(join(dir, name)), name, supplier.uscc);
      expect(inputs(r).map(fen), name).toEqual([recorded(name.slice(9, 29))]);
    }
  });
});
