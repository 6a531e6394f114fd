import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import { font, sharedLayouts } from "./fonts";

/**
 * The form a document is drawn on: A4, Chinese with its English below in grey, like a Chinese
 * bank's bilingual forms. Everything is placed at explicit positions from one cursor (`y`), so a
 * block is measured before it is drawn and moves whole to the next page when it does not fit.
 */

export interface Bilingual {
  zh: string;
  en: string;
}

/** A value cell: the main text, and an optional grey line under it (the English, or the amount in words). */
export interface Value {
  main: string;
  sub?: string;
  /** a long code (a ledger reference) set smaller so it stays on one line */
  small?: boolean;
  /** the second line is part of the value, not a translation (an amount in words): set in black */
  words?: boolean;
}

export interface Field {
  label: Bilingual;
  value: Value;
  /** takes the whole row */
  wide?: boolean;
}

export interface Column {
  label: Bilingual;
  width: number;
  align?: "left" | "right" | "center";
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const TOP = 40;
const BOTTOM = 52;
const INK = "#111111";
const GREY = "#5a5a5a";
const RULE = "#8c8c8c";
const SHADE = "#f0f0ec";
const TITLE = "#1d2f55";
const ZH = 9;
const EN = 7;
const PAD = 3;

/** Measured heights of text, shared by every document of the process (see Sheet.height). */
const heights = new Map<string, number>();

export class Sheet {
  readonly doc: PDFKit.PDFDocument;
  readonly left = MARGIN;
  readonly width = A4[0] - 2 * MARGIN;
  y = TOP;
  private readonly chunks: Buffer[] = [];

  constructor(
    info: Record<string, string | Date>,
    private readonly footerText: string,
  ) {
    // pdfkit's own bottom margin is kept small: this class breaks pages itself, and the footer sits below BOTTOM
    // the bundled font from the start (pdfkit would otherwise parse Helvetica's metrics for every document)
    this.doc = new PDFDocument({ size: A4, margins: { top: TOP, left: MARGIN, right: MARGIN, bottom: 16 }, bufferPages: true, lang: "zh-CN", info, displayTitle: true, font: font("Regular") as never });
    this.doc.registerFont("zh", font("Regular") as never);
    this.doc.registerFont("zh-bold", font("Bold") as never);
    // pdfkit internals, for speed only: the initial font is the regular weight (opening it again by
    // name would compare the two fonts' name tables), and each weight lays out runs in the cache all
    // documents share (see sharedLayouts)
    const d = this.doc as unknown as { _font: { layoutCache?: unknown }; _fontFamilies: Record<string, unknown> };
    d._fontFamilies.zh = d._font;
    for (const [name, weight] of [["zh-bold", "Bold"], ["zh", "Regular"]] as const) {
      this.doc.font(name);
      d._font.layoutCache = sharedLayouts(weight);
    }
    this.doc.on("data", (b: Buffer) => this.chunks.push(b));
  }

  get bottom(): number {
    return A4[1] - BOTTOM;
  }

  /** Starts a new page unless `height` more fits on this one. */
  ensure(height: number): void {
    if (this.y + height <= this.bottom) return;
    this.newPage();
  }

  newPage(): void {
    this.doc.addPage();
    this.y = TOP;
  }

  /** The height `text` takes at this size and width: the same in every document, so measured once per process. */
  height(text: string, size: number, width: number, bold = false): number {
    if (text === "") return 0;
    const key = `${bold ? "b" : "r"}|${size}|${width}|${text}`;
    let h = heights.get(key);
    if (h === undefined) {
      h = this.doc.font(bold ? "zh-bold" : "zh").fontSize(size).heightOfString(text, { width, lineGap: 1 });
      if (heights.size >= 10_000) heights.clear();
      heights.set(key, h);
    }
    return h;
  }

  write(text: string, x: number, y: number, width: number, size: number, opts: { bold?: boolean; color?: string; align?: "left" | "right" | "center" } = {}): number {
    if (text === "") return 0;
    this.doc.font(opts.bold ? "zh-bold" : "zh").fontSize(size).fillColor(opts.color ?? INK);
    this.doc.text(text, x, y, { width, align: opts.align ?? "left", lineGap: 1 });
    // pdfkit leaves its cursor under what it wrote: the height without laying the text out again
    return this.doc.y - y;
  }

  /** The platform line, the document number, the title in Chinese and English, a double rule. */
  titleBlock(title: Bilingual, number: Bilingual & { value: string }, subtitle?: Bilingual): void {
    const half = this.width / 2;
    this.write("ChainFactor 供应链应收账款服务平台", this.left, this.y, half, 8, { color: GREY });
    this.write("ChainFactor supply-chain receivables platform", this.left, this.y + 11, half, 7, { color: GREY });
    this.write(`${number.zh} ${number.en}`, this.left + half, this.y, half, 7, { color: GREY, align: "right" });
    const h = this.write(number.value, this.left + half, this.y + 10, half, 8, { align: "right" });
    this.y += Math.max(22, 10 + h) + 4;
    this.y += this.write(title.zh, this.left, this.y, this.width, 17, { bold: true, color: TITLE, align: "center" });
    this.y += this.write(title.en, this.left, this.y, this.width, 10, { color: TITLE, align: "center" });
    if (subtitle) {
      this.y += 3;
      this.y += this.write(`${subtitle.zh}  ${subtitle.en}`, this.left, this.y, this.width, 9, { color: GREY, align: "center" });
    }
    this.y += 6;
    this.doc.lineWidth(1.2).strokeColor(TITLE).moveTo(this.left, this.y).lineTo(this.left + this.width, this.y).stroke();
    this.doc.lineWidth(0.4).moveTo(this.left, this.y + 2.5).lineTo(this.left + this.width, this.y + 2.5).stroke();
    this.y += 9;
  }

  section(heading: Bilingual, followingHeight = 72): void {
    const h = this.height(heading.zh, 10.5, this.width, true) + this.height(heading.en, EN, this.width) + 4;
    this.ensure(h + followingHeight);
    this.y += this.write(heading.zh, this.left, this.y, this.width, 10.5, { bold: true, color: TITLE });
    this.y += this.write(heading.en, this.left, this.y, this.width, EN, { color: GREY }) + 3;
  }

  /** A centred heading for a part that stands apart from the rest (a 回执). */
  partTitle(title: Bilingual, followingHeight: number): void {
    this.ensure(30 + followingHeight);
    this.y += this.write(title.zh, this.left, this.y, this.width, 13, { bold: true, color: TITLE, align: "center" });
    this.y += this.write(title.en, this.left, this.y, this.width, 8, { color: TITLE, align: "center" }) + 6;
  }

  paragraph(text: Bilingual, indent = 0): void {
    const w = this.width - indent;
    const h = this.height(text.zh, ZH, w) + 1 + this.height(text.en, EN, w);
    this.ensure(h);
    this.y += this.write(text.zh, this.left + indent, this.y, w, ZH) + 1;
    this.y += this.write(text.en, this.left + indent, this.y, w, EN, { color: GREY }) + 4;
  }

  /** Label-value pairs, two to a row (a wide field takes the row). */
  fields(fields: Field[], area = { x: this.left, width: this.width }): void {
    const label = 96;
    const pair = area.width / 2;
    const rows: Field[][] = [];
    for (const f of fields) {
      const last = rows[rows.length - 1];
      if (!f.wide && last && last.length === 1 && !last[0].wide) last.push(f);
      else rows.push([f]);
    }
    for (const row of rows) {
      const cells = row.map((f, i) => {
        const valueWidth = (f.wide ? area.width : pair) - label;
        return { f, x: area.x + i * pair, valueWidth, h: Math.max(this.labelHeight(f.label, label), this.valueHeight(f.value, valueWidth)) };
      });
      const h = Math.max(...cells.map((c) => c.h)) + 2 * PAD;
      this.ensure(h);
      if (row.length === 1 && !row[0].wide) cells.push({ f: { label: { zh: "", en: "" }, value: { main: "" } }, x: area.x + pair, valueWidth: pair - label, h: 0 });
      for (const c of cells) {
        this.doc.rect(c.x, this.y, label, h).fillColor(SHADE).fill();
        this.drawLabel(c.f.label, c.x, this.y + PAD, label);
        this.drawValue(c.f.value, c.x + label, this.y + PAD, c.valueWidth);
        this.doc.lineWidth(0.5).strokeColor(RULE).rect(c.x, this.y, label + c.valueWidth, h).stroke();
        this.doc.moveTo(c.x + label, this.y).lineTo(c.x + label, this.y + h).stroke();
      }
      this.y += h;
    }
    this.y += 6;
  }

  /** A table with a bilingual header row, repeated on a new page. */
  table(columns: Column[], rows: Value[][]): void {
    const headerHeight = Math.max(...columns.map((c) => this.labelHeight(c.label, c.width))) + 2 * PAD;
    const drawHeader = () => {
      let x = this.left;
      for (const c of columns) {
        this.doc.rect(x, this.y, c.width, headerHeight).fillColor(SHADE).fill();
        this.drawLabel(c.label, x, this.y + PAD, c.width, c.align);
        this.doc.lineWidth(0.5).strokeColor(RULE).rect(x, this.y, c.width, headerHeight).stroke();
        x += c.width;
      }
      this.y += headerHeight;
    };
    const heights = rows.map((r) => Math.max(...r.map((v, i) => this.valueHeight(v, columns[i].width))) + 2 * PAD);
    this.ensure(headerHeight + (heights[0] ?? 0));
    drawHeader();
    rows.forEach((r, ri) => {
      if (this.y + heights[ri] > this.bottom) {
        this.newPage();
        drawHeader();
      }
      let x = this.left;
      r.forEach((v, i) => {
        this.drawValue(v, x, this.y + PAD, columns[i].width, columns[i].align);
        this.doc.lineWidth(0.5).strokeColor(RULE).rect(x, this.y, columns[i].width, heights[ri]).stroke();
        x += columns[i].width;
      });
      this.y += heights[ri];
    });
    this.y += 6;
  }

  /** Boxes side by side for the parties who sign, each with its own lines. */
  signatureBoxes(boxes: { role: Bilingual; lines: Bilingual[] }[]): void {
    const gap = 12;
    const w = (this.width - gap * (boxes.length - 1)) / boxes.length;
    const inner = w - 2 * 8;
    const heightOf = (b: (typeof boxes)[number]) =>
      this.labelHeight(b.role, inner, true) + 6 + b.lines.reduce((s, l) => s + this.labelHeight(l, inner) + 4, 0);
    const h = Math.max(...boxes.map(heightOf)) + 16;
    this.ensure(h);
    boxes.forEach((b, i) => {
      const x = this.left + i * (w + gap);
      this.doc.lineWidth(0.6).strokeColor(RULE).rect(x, this.y, w, h).stroke();
      let y = this.y + 8;
      y += this.drawLabel(b.role, x + 8, y, inner, "left", true) + 6;
      for (const l of b.lines) y += this.drawLabel(l, x + 8, y, inner) + 4;
    });
    this.y += h + 10;
  }

  /** Where the document is recorded and what checks it, kept on one page: height to reserve with `section`. */
  static readonly VERIFICATION_HEIGHT = 150;

  /**
   * Where the document is recorded (the ledger's fields, what the code is for under them), a QR code
   * beside them that opens `url`, and the address printed in full under it.
   */
  verification(url: string, ledgerLines: Field[]): void {
    const size = 84;
    const gap = 14;
    const urlSize = 7;
    const urlHeight = this.height(url, urlSize, this.width);
    const tableWidth = this.width - size - gap;
    const explain: Bilingual = {
      zh: "扫描右侧二维码或访问下列网址，可核对本文件是否与账本登记的文件一致，以及各方电子签名是否有效。",
      en: "Scan the code or open the address below to check that this file is the one recorded on the ledger and that its electronic signatures are valid.",
    };
    const top = this.y;
    this.fields(
      ledgerLines.map((f) => ({ ...f, wide: true })),
      { x: this.left, width: tableWidth },
    );
    this.y -= 3;
    this.y += this.write(explain.zh, this.left, this.y, tableWidth, 8) + 1;
    this.y += this.write(explain.en, this.left, this.y, tableWidth, 6.5, { color: GREY });
    this.drawQr(url, this.left + tableWidth + gap, top, size);
    this.write("扫码核验 Scan to verify", this.left + tableWidth + gap, top + size + 2, size, 6.5, { color: GREY, align: "center" });
    this.y = Math.max(this.y, top + size + 12) + 4;
    this.write(url, this.left, this.y, this.width, urlSize);
    this.y += urlHeight + 6;
  }

  /** A dashed line across the page: what follows is a separate part (a 回执). */
  cutLine(): void {
    this.doc.lineWidth(0.6).strokeColor(RULE).dash(4, { space: 3 }).moveTo(this.left, this.y).lineTo(this.left + this.width, this.y).stroke().undash();
    this.y += 10;
  }

  async finish(): Promise<Buffer> {
    const done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on("end", () => resolve(Buffer.concat(this.chunks)));
      this.doc.on("error", reject);
    });
    const range = this.doc.bufferedPageRange();
    for (let i = 0; i < range.count; i++) {
      this.doc.switchToPage(range.start + i);
      const y = A4[1] - BOTTOM + 22;
      this.doc.lineWidth(0.4).strokeColor(RULE).moveTo(this.left, y - 5).lineTo(this.left + this.width, y - 5).stroke();
      this.write(this.footerText, this.left, y, this.width * 0.75, 7, { color: GREY });
      this.write(`第 ${i + 1} 页 共 ${range.count} 页  Page ${i + 1} of ${range.count}`, this.left + this.width * 0.6, y, this.width * 0.4, 7, { color: GREY, align: "right" });
    }
    this.doc.end();
    return done;
  }

  private labelHeight(l: Bilingual, width: number, bold = false): number {
    const w = width - 2 * PAD;
    return this.height(l.zh, bold ? ZH : 8, w, bold) + this.height(l.en, EN - 0.5, w);
  }

  private drawLabel(l: Bilingual, x: number, y: number, width: number, align: "left" | "right" | "center" = "left", bold = false): number {
    const w = width - 2 * PAD;
    const h = this.write(l.zh, x + PAD, y, w, bold ? ZH : 8, { bold, align });
    return h + this.write(l.en, x + PAD, y + h, w, EN - 0.5, { color: GREY, align });
  }

  private valueHeight(v: Value, width: number): number {
    const w = width - 2 * PAD;
    return this.height(v.main, v.small ? 7.5 : ZH, w) + (v.sub ? this.height(v.sub, v.words ? 8.5 : EN, w) + (v.words ? 1 : 0) : 0);
  }

  private drawValue(v: Value, x: number, y: number, width: number, align: "left" | "right" | "center" = "left"): number {
    const w = width - 2 * PAD;
    const h = this.write(v.main, x + PAD, y + (v.small ? 1.5 : 0), w, v.small ? 7.5 : ZH, { align }) + (v.small ? 1.5 : 0);
    if (!v.sub) return h;
    if (v.words) return h + 1 + this.write(v.sub, x + PAD, y + h + 1, w, 8.5, { align });
    return h + this.write(v.sub, x + PAD, y + h, w, EN, { color: GREY, align });
  }

  private drawQr(url: string, x: number, y: number, size: number): void {
    const modules = QRCode.create(url, { errorCorrectionLevel: "M" }).modules;
    const cell = size / modules.size;
    this.doc.fillColor("#000000");
    for (let r = 0; r < modules.size; r++) {
      // one rectangle per run of dark modules: fewer path operations, no hairline seams between them
      for (let c = 0; c < modules.size; ) {
        if (!modules.get(r, c)) {
          c++;
          continue;
        }
        let end = c;
        while (end < modules.size && modules.get(r, end)) end++;
        this.doc.rect(x + c * cell, y + r * cell, (end - c) * cell, cell);
        c = end;
      }
    }
    this.doc.fill();
  }
}
