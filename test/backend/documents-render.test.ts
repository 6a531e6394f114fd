import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fingerprint } from "../../backend/src/modules/documents/signing/sm";
import { describe, expect, it, vi } from "vitest";
import {
  amountInWords,
  documentInfo,
  formatFen,
  MissingGlyphError,
  renderDocument,
  type AgreementFacts,
  type CertificateFacts,
  type DocumentFacts,
  type NoticeFacts,
} from "../../backend/src/modules/documents/render";
import { fontFile } from "../../backend/src/modules/documents/render/fonts";

// Pure: the renderer and its bundled font only, no services. pdftotext (poppler-utils) reads the text back.

const ledger = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const receivableId = "7f3c2a10-5b1e-4c1d-9a7e-2f0c8d1e4b6a";
const verifyUrl = (kind: string) => `https://chainfactor.example.cn/verify?chain=31337&kind=${kind}&r=${receivableId}`;
const obligor = { name: "中建华东建设集团有限公司", uscc: "91310000MA1K3XYZ7Q" };
const supplier = { name: "苏州恒信精密机械制造有限公司", uscc: "91320505MA1MABCD3X" };
const bank = { name: "中国工商银行股份有限公司苏州分行", uscc: "91320500835123456B" };

const certificate: CertificateFacts = {
  kind: "certificate",
  act: "confirm",
  receivableId,
  chainId: 31337,
  ledger,
  verifyUrl: verifyUrl("certificate"),
  transaction: "0x9c1f0e4b2a7d3c5e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e",
  obligor,
  holder: supplier,
  amount: "10000101",
  issuedOn: "2026-12-01",
  maturity: "2027-05-30",
  termDays: 180,
  tier: 1,
  parentId: "2b9d4e61-0c3a-4f5b-8e7d-1a2b3c4d5e6f",
  originalId: "0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d",
  invoices: [
    { number: "24322000000012345678", issuedOn: "2026-11-20", amount: "6000000" },
    { number: "24322000000012345679", issuedOn: "2026-11-25", amount: "4000101" },
  ],
};

const notice: NoticeFacts = {
  kind: "notice",
  reason: "financing",
  receivableId,
  chainId: 31337,
  ledger,
  verifyUrl: verifyUrl("notice"),
  transaction: "0x1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c",
  obligor,
  assignor: supplier,
  assignee: bank,
  amount: "10000101",
  due: "9876543",
  maturity: "2027-05-30",
  assignedOn: "2026-12-05",
};

// priced as backend/src/modules/financing/pricing.ts would: 96,000.00 at 4.80% for 180 days on ACT/360
const agreement: AgreementFacts = {
  kind: "agreement",
  quoteId: "c4e1b2a3-9d8f-4e7a-8b6c-5d4e3f2a1b0c",
  receivableId,
  chainId: 31337,
  ledger,
  verifyUrl: verifyUrl("agreement"),
  supplier,
  bank,
  obligor,
  face: "10000101",
  advance: "9600000",
  interest: "230400",
  fee: "46143",
  due: "9876543",
  annualRateBp: 480,
  dayCount: 360,
  days: 180,
  effectiveAnnualCostBp: 576,
  recourse: false,
  maturity: "2027-05-30",
  quotedOn: "2026-12-04",
  validUntil: "2026-12-11",
  reasonablenessReview: { reviewer: "王丽（授信审批部）", reason: "工程类应收账款结算周期较长，付款期限与施工合同约定的验收节点一致。" },
};

/** The SM3 fingerprints of the certificate, notice and agreement above, as this renderer makes them. */
const GOLDEN = ["0xddeb555122875c00dcaea524a99bfc639427e4ff4e43c0e9fc9e74c3d50d2a5a", "0x95bb46f35004a97b2c45f1ad9258673c2e4164f0ce1182fee1d32440f7758755", "0x8f6bc6a4ce50d9f947bcedf9686b114a78975f44723c56ba5102cc6cd18b1b47"];

const samples: DocumentFacts[] = [
  certificate,
  { ...certificate, act: "sign-for", tier: 0, parentId: null, originalId: null, invoices: [] },
  notice,
  { ...notice, reason: "transfer", due: null, assignee: { name: "无锡华信电子科技有限公司", uscc: "91320214MA1NQ2RS4T" } },
  agreement,
  { ...agreement, recourse: true, reasonablenessReview: null, dayCount: 365 },
];

const dir = mkdtempSync(join(tmpdir(), "cf-documents-"));

function pdfText(pdf: Buffer): string {
  const file = join(dir, "doc.pdf");
  writeFileSync(file, pdf);
  return execFileSync("/usr/bin/pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
}

const squeeze = (s: string) => s.replace(/\s+/g, "");

describe("amountInWords", () => {
  it.each([
    [0n, "零元整"],
    [5n, "伍分"],
    [10n, "壹角整"],
    [100n, "壹元整"],
    [1000n, "壹拾元整"],
    [1001n, "壹拾元零壹分"],
    [32504n, "叁佰贰拾伍元零肆分"],
    [140950n, "壹仟肆佰零玖元伍角整"],
    [168032n, "壹仟陆佰捌拾元叁角贰分"],
    [1234567n, "壹万贰仟叁佰肆拾伍元陆角柒分"],
    [1000100n, "壹万零壹元整"],
    [1640902n, "壹万陆仟肆佰零玖元零贰分"],
    [10000101n, "壹拾万零壹元零壹分"], // 100,001.01
    [10700053n, "壹拾万零柒仟元伍角叁分"],
    [100000100n, "壹佰万零壹元整"],
    [10000000000n, "壹亿元整"],
    [10001000000n, "壹亿零壹万元整"],
    [100000000000n, "壹拾亿元整"], // 1,000,000,000.00
    [100000000000000n, "壹万亿元整"],
  ])("%s fen → %s", (fen, words) => {
    expect(amountInWords(fen)).toBe(words);
  });

  it("refuses negative amounts", () => {
    expect(() => amountInWords(-1n)).toThrow(RangeError);
  });

  it("prints figures with thousands separators, by integer arithmetic", () => {
    expect(formatFen(123456789n)).toBe("¥1,234,567.89");
    expect(formatFen(5n)).toBe("¥0.05");
    expect(formatFen(100000000000000000001n)).toBe("¥1,000,000,000,000,000,000.01");
  });
});

describe("renderDocument", () => {
  it("makes the same bytes for the same facts, in this module and in a freshly loaded one", async () => {
    for (const facts of samples) {
      const a = await renderDocument(facts);
      const b = await renderDocument(structuredClone(facts));
      expect(b.equals(a), facts.kind).toBe(true);
    }
    // the page images in docs/documents are made from these: DOCUMENTS_SAMPLES_DIR=dir, then pdftoppm (docs/documents/README.md)
    const out = process.env.DOCUMENTS_SAMPLES_DIR;
    if (out) for (const facts of [certificate, notice, agreement]) writeFileSync(join(out, `${facts.kind}.pdf`), await renderDocument(facts));
    vi.resetModules();
    const fresh = await import("../../backend/src/modules/documents/render");
    expect(fresh.renderDocument).not.toBe(renderDocument);
    for (const facts of samples) expect((await fresh.renderDocument(facts)).equals(await renderDocument(facts)), facts.kind).toBe(true);
  });

  it("makes the same bytes in another process, in another time zone", async () => {
    const script = `require("${join(__dirname, "../../backend/src/modules/documents/render").replace(/\\/g, "/")}").renderDocument(${JSON.stringify(agreement)}).then((b) => process.stdout.write(b.toString("base64")))`;
    const other = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      encoding: "utf8",
      env: { ...process.env, TZ: "America/Los_Angeles" },
    });
    expect(Buffer.from(other, "base64").equals(await renderDocument(agreement))).toBe(true);
  });

  it("dates the file on the document's own day, not on the clock", async () => {
    const pdf = (await renderDocument(certificate)).toString("latin1");
    // 2026-12-01 00:00 in China is 2026-11-30 16:00 UTC
    expect(pdf).toMatch(/\/CreationDate \d+ 0 R/);
    expect(pdf.split("(D:20261130160000Z)").length - 1, "CreationDate and ModDate").toBe(2);
    expect(pdf).not.toContain("PDFKit");
  });

  it("makes the bytes it made when these fingerprints were recorded (the platform keeps facts, not PDFs, and renders them again)", async () => {
    // a change of pdfkit, fontkit, the font subset or the layout changes every document made from then
    // on; the platform would refuse to hand out an older document (its fingerprint no longer
    // matches). Such a change must keep the renderer of the documents made before: update these
    // figures only together with that.
    const fingerprints = await Promise.all([certificate, notice, agreement].map(async (f) => fingerprint(await renderDocument(f))));
    expect(fingerprints).toEqual(GOLDEN);
  });

  it("makes different bytes when a fact differs", async () => {
    const a = await renderDocument(certificate);
    const b = await renderDocument({ ...certificate, amount: "10000102" });
    expect(b.equals(a)).toBe(false);
  });

  it("states the key facts in the text of each document", async () => {
    for (const facts of samples) {
      const text = squeeze(pdfText(await renderDocument(facts)));
      const expected: string[] = [facts.receivableId, facts.verifyUrl, facts.ledger.toLowerCase()];
      if (facts.kind === "certificate") {
        expected.push(facts.obligor.name, facts.obligor.uscc, facts.holder.name, facts.holder.uscc, facts.transaction);
        expected.push("¥100,001.01", "壹拾万零壹元零壹分", "2027年5月30日", "180天", facts.act === "confirm" ? "确权" : "签收");
        for (const i of facts.invoices) expected.push(i.number, formatFen(BigInt(i.amount)));
        if (facts.parentId) expected.push(facts.parentId);
        if (facts.originalId) expected.push(facts.originalId);
      } else if (facts.kind === "notice") {
        expected.push(`致：${facts.obligor.name}`, facts.obligor.uscc, facts.assignor.name, facts.assignor.uscc, facts.assignee.name, facts.assignee.uscc, facts.transaction);
        expected.push("¥100,001.01", "壹拾万零壹元零壹分", "回执", "2026年12月5日");
        if (facts.due) expected.push("¥98,765.43", "玖万捌仟柒佰陆拾伍元肆角叁分");
      } else {
        expected.push(facts.quoteId, facts.supplier.name, facts.supplier.uscc, facts.bank.name, facts.bank.uscc, facts.obligor.name, facts.obligor.uscc);
        expected.push("¥96,000.00", "玖万陆仟元整", "¥2,304.00", "¥461.43", "¥98,765.43", "4.80%", "5.76%", `实际天数/${facts.dayCount}`, facts.recourse ? "有追索权" : "无追索权", "SM2");
        if (facts.reasonablenessReview) expected.push("77号", facts.reasonablenessReview.reviewer, facts.reasonablenessReview.reason);
      }
      if (facts.kind !== "agreement") expected.push("账本凭据号", "Ledger reference");
      for (const e of expected) expect(text, `${facts.kind}: ${e}`).toContain(squeeze(e));
      // the platform's words for the ledger only: none of the crypto vocabulary
      expect(text, facts.kind).not.toMatch(/区块链|哈希|blockchain|hash|token/i);
    }
  });

  it("has a glyph in the bundled font for every character it prints", async () => {
    const fontkit = require("fontkit") as { create(b: Buffer): { hasGlyphForCodePoint(c: number): boolean } };
    const regular = fontkit.create(readFileSync(fontFile("Regular")));
    const bold = fontkit.create(readFileSync(fontFile("Bold")));
    for (const facts of samples) {
      const text = pdfText(await renderDocument(facts));
      const chars = [...new Set(text.replace(/\s/g, ""))];
      expect(chars.length).toBeGreaterThan(200);
      const missing = chars.filter((c) => !regular.hasGlyphForCodePoint(c.codePointAt(0)!) || !bold.hasGlyphForCodePoint(c.codePointAt(0)!));
      expect(missing, facts.kind).toEqual([]);
    }
    // and the fonts are the subset: a hanzi outside GB 2312 is not in them
    expect(regular.hasGlyphForCodePoint("堃".codePointAt(0)!)).toBe(false);
  });

  it("refuses facts with a character the font cannot draw, rather than print an empty box", async () => {
    const facts = { ...certificate, holder: { ...supplier, name: "苏州堃元精密机械有限公司" } };
    await expect(renderDocument(facts)).rejects.toThrow(MissingGlyphError);
    await expect(renderDocument(facts)).rejects.toThrow(/U\+5803/);
  });

  it("renders in milliseconds once the font is loaded (printed, not asserted)", async () => {
    for (const facts of [certificate, notice, agreement]) {
      await renderDocument(facts);
      const runs = 10;
      const start = process.hrtime.bigint();
      let size = 0;
      for (let i = 0; i < runs; i++) size = (await renderDocument(facts)).length;
      const ms = Number(process.hrtime.bigint() - start) / 1e6 / runs;
      console.log(`${facts.kind}: ${ms.toFixed(1)} ms per document, ${size} bytes`);
    }
  });
});

describe("documentInfo", () => {
  it("reads back what a verifier needs to find each document", async () => {
    expect(documentInfo(await renderDocument(certificate))).toEqual({ kind: "certificate", receivable: receivableId, chain: 31337, ledger: ledger.toLowerCase(), subject: certificate.transaction });
    expect(documentInfo(await renderDocument(notice))).toEqual({ kind: "notice", receivable: receivableId, chain: 31337, ledger: ledger.toLowerCase(), subject: notice.transaction });
    expect(documentInfo(await renderDocument(agreement))).toEqual({ kind: "agreement", receivable: receivableId, chain: 31337, ledger: ledger.toLowerCase(), subject: agreement.quoteId });
  });

  it("reads a signed copy (the signature block after %%EOF)", async () => {
    const pdf = await renderDocument(notice);
    // base64 can spell anything, "trailer /Info 1 0 R" included: what follows the document must not be read
    const block = `%ChainFactor-Signatures v1\n%${Buffer.from("trailer\n<< /Info 1 0 R >>").toString("base64")}trailer<</Info 1 0 R>>\n%%ChainFactor-End\n`;
    const signed = Buffer.concat([pdf, Buffer.from(block)]);
    expect(documentInfo(signed)).toEqual(documentInfo(pdf));
    expect(documentInfo(new Uint8Array(signed))?.subject).toBe(notice.transaction);
  });

  it("answers null, never throws, for junk, other PDFs and every truncation", async () => {
    expect(documentInfo(new Uint8Array())).toBeNull();
    expect(documentInfo(Buffer.from("not a pdf at all"))).toBeNull();
    expect(documentInfo(Buffer.from("%PDF-1.7\ntrailer\n<< /Info 99999999 0 R >>\n%%EOF"))).toBeNull();
    expect(documentInfo(Buffer.from("trailer << /Info 1 0 R >> 1 0 obj << /CFKind (((((((((( >> endobj"))).toBeNull();
    expect(documentInfo(Buffer.from("%PDF\n1 0 obj\n<< /CFKind (certificate) /CFReceivable (r1) /CFChain (abc) /CFLedger (0x5fbdb2315678afecb367f032d93f642f64180aa3) /CFSubject (s) >>\nendobj\ntrailer\n<< /Info 1 0 R >>"))).toBeNull();
    // direct strings, hex and UTF-16 are read too (another producer may write them so)
    const direct = "%PDF\n1 0 obj\n<< /CFKind <6E6F74696365> /CFReceivable (r\\0611) /CFChain (7) /CFLedger (0x5fbdb2315678afecb367f032d93f642f64180aa3) /CFSubject <FEFF00730031> >>\nendobj\ntrailer\n<< /Info 1 0 R >>";
    expect(documentInfo(Buffer.from(direct, "latin1"))).toEqual({ kind: "notice", receivable: "r11", chain: 7, ledger: "0x5fbdb2315678afecb367f032d93f642f64180aa3", subject: "s1" });

    const pdf = await renderDocument(agreement);
    const whole = documentInfo(pdf);
    for (let cut = 0; cut < pdf.length; cut += Math.max(1, Math.floor(pdf.length / 400))) {
      const got = documentInfo(pdf.subarray(0, cut));
      // a truncated file may still hold the whole Info dictionary; it never yields anything else
      if (got !== null) expect(got).toEqual(whole);
    }
    for (let cut = pdf.length - 3000; cut < pdf.length; cut += 7) {
      const got = documentInfo(pdf.subarray(0, cut));
      if (got !== null) expect(got).toEqual(whole);
    }
    // cut before the Info dictionary is complete: nothing to read
    expect(documentInfo(pdf.subarray(0, pdf.indexOf("/CFSubject")))).toBeNull();

    // damaged copies: bytes around the Info dictionary overwritten at random (a fixed seed, so a failure repeats)
    let seed = 19;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const info = pdf.indexOf("/CFKind");
    for (let i = 0; i < 500; i++) {
      const copy = Buffer.from(pdf);
      for (let k = 0; k < 1 + random(4); k++) copy[info - 200 + random(1200)] = random(256);
      const got = documentInfo(copy);
      if (got !== null) expect(Object.keys(got).sort()).toEqual(["chain", "kind", "ledger", "receivable", "subject"]);
    }

    // bounded work on hostile input: megabytes of keys and object headers answer at once
    const hostile = Buffer.from("1 0 obj /CFKind 1 0 R ".repeat(200_000) + "trailer << /Info 1 0 R >>");
    const start = Date.now();
    expect(documentInfo(hostile)).toBeNull();
    console.log(`documentInfo on ${hostile.length} hostile bytes: ${Date.now() - start} ms`);
  });
});
