import { FILE_LIMITS, tooManyRows, unreadable } from "./limits";
import type { SheetRow } from "./csv";
import { readZip } from "./zip";
import { attr, at, children, parseXml, text, type XmlValue } from "./xml";
import { writeZip } from "./zip-write";

/** A worksheet's rows: the text of each cell, and which cells hold numbers (not text). */
export interface Sheet {
  name: string;
  rows: (SheetRow & { numeric: boolean[] })[];
}

/** A workbook: its sheets' names in order, each read when asked for. */
export interface Workbook {
  names: string[];
  /** Days are counted from 1904-01-01 rather than 1899-12-30 (old Mac workbooks). */
  date1904: boolean;
  sheet(name: string): Sheet;
}

const ARRAYS = new Set(["sheet", "Relationship", "si", "r", "row", "c"]);

/**
 * An XLSX workbook (Office Open XML, as Excel, WPS and the tax platform's export write it), read
 * from the zip within FILE_LIMITS. Cell values stay text: a number is read as the digits the file
 * stores, never as a JavaScript number, so amounts keep every digit.
 */
export async function readXlsx(bytes: Buffer): Promise<Workbook> {
  const zip = await readZip(
    bytes,
    "XLSX file",
    (n) => (n.startsWith("xl/") && n.endsWith(".xml") && !n.includes("/media/")) || n === "xl/_rels/workbook.xml.rels",
    // a sheet is large by nature: no ratio check (rows repeat), but past the size bounds it holds far too many rows
    (n, size) =>
      n.startsWith("xl/worksheets/")
        ? tooManyRows(`The workbook's sheet (${n}) is ${Math.ceil(size / 1024 / 1024)} MiB of XML, far more rows than the ${FILE_LIMITS.invoices} invoices a file may hold: export a shorter period, or split the file`)
        : null,
  );
  const part = (name: string) => {
    const b = zip.files.get(name);
    return b === undefined ? undefined : b.toString("utf8");
  };
  const workbookXml = part("xl/workbook.xml");
  if (workbookXml === undefined) throw unreadable("The XLSX file has no workbook (xl/workbook.xml); save it again from Excel or WPS as .xlsx");
  const workbook = parseXml(workbookXml, "XLSX workbook", ARRAYS);
  const rels = parseXml(part("xl/_rels/workbook.xml.rels") ?? "<Relationships/>", "XLSX workbook relationships", ARRAYS);
  const targets = new Map(children(at(rels, "Relationships"), "Relationship").map((r) => [attr(r, "Id"), attr(r, "Target")]));
  const sheets = children(at(workbook, "workbook", "sheets"), "sheet").map((s) => {
    const target = targets.get(attr(s, "id") || attr(s, "r:id")) ?? "";
    return { name: attr(s, "name"), path: target.startsWith("/") ? target.slice(1) : `xl/${target.replace(/^\.\//, "")}` };
  });
  const date1904 = ["1", "true"].includes(attr(at(workbook, "workbook", "workbookPr"), "date1904"));
  const sst = part("xl/sharedStrings.xml");
  const shared = sst === undefined ? [] : children(at(parseXml(sst, "XLSX shared strings", ARRAYS), "sst"), "si").map(richText);
  return {
    names: sheets.map((s) => s.name),
    date1904,
    sheet: (name) => {
      const s = sheets.find((x) => x.name === name);
      const xml = s && part(s.path);
      if (!s || xml === undefined) throw unreadable(`The XLSX file's sheet ${name} is missing (${s?.path ?? "not listed"}); save the workbook again`);
      return { name, rows: readRows(xml, shared, name) };
    },
  };
}

/** A shared string: its text, or its runs' texts joined (phonetic guides left out). */
function richText(si: XmlValue): string {
  const plain = at(si, "t");
  if (plain !== undefined) return text(plain);
  return children(si, "r").map((r) => text(at(r, "t"))).join("");
}

function readRows(xml: string, shared: string[], name: string): Sheet["rows"] {
  // a million rows is refused before the sheet is parsed: counting row tags is one quick pass
  let tags = 0;
  for (let i = xml.indexOf("<row"); i >= 0; i = xml.indexOf("<row", i + 4)) {
    if (++tags > FILE_LIMITS.rows * 10) break;
  }
  if (tags > FILE_LIMITS.rows * 10) throw tooManyRows(`The sheet ${name} has more than ${FILE_LIMITS.rows * 10} rows; at most ${FILE_LIMITS.invoices} invoices are taken per file: export a shorter period, or split the file`);
  const doc = parseXml(xml, `sheet ${name}`, ARRAYS);
  const out: Sheet["rows"] = [];
  let next = 1;
  for (const row of children(at(doc, "worksheet", "sheetData"), "row")) {
    const number = Number(attr(row, "r")) || next;
    next = number + 1;
    const cells: string[] = [];
    const numeric: boolean[] = [];
    let col = 0;
    for (const c of children(row, "c")) {
      const ref = attr(c, "r");
      col = ref ? columnIndex(ref) : col;
      const t = attr(c, "t");
      const v = text(at(c, "v")).trim();
      const value = t === "s" ? (shared[Number(v)] ?? "") : t === "inlineStr" ? richText(at(c, "is") ?? "") : t === "b" ? (v === "1" ? "TRUE" : "FALSE") : v;
      cells[col] = value.trim();
      numeric[col] = (t === "" || t === "n") && v !== "";
      col++;
    }
    for (let i = 0; i < cells.length; i++) cells[i] ??= "";
    if (cells.some((x) => x !== "")) {
      out.push({ row: number, cells, numeric });
      if (out.length > FILE_LIMITS.rows) throw tooManyRows(`The sheet ${name} has more than ${FILE_LIMITS.rows} rows; at most ${FILE_LIMITS.invoices} invoices are taken per file: split it into several files`);
    }
  }
  return out;
}

/** "AB12" → 27 (0-based column). */
function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of ref.toUpperCase()) {
    if (ch < "A" || ch > "Z") break;
    n = n * 26 + (ch.charCodeAt(0) - 64);
  }
  return Math.max(0, n - 1);
}

/**
 * A spreadsheet date serial ("46330", or "46330.4375" with a time) → YYYY-MM-DD. Days are counted
 * from 1899-12-30 (Excel's 1900 system, valid from March 1900) or from 1904-01-01.
 */
export function serialDate(serial: string, date1904 = false): string | null {
  const m = /^([0-9]{1,6})(?:\.[0-9]+)?$/.exec(serial.trim());
  if (!m) return null;
  const days = Number(m[1]);
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  return new Date(epoch + days * 86_400_000).toISOString().slice(0, 10);
}

// ─── Writing (the template, the sample files) ────────────────────────

export type CellValue = string | { number: string };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const colName = (i: number): string => (i >= 26 ? colName(Math.floor(i / 26) - 1) : "") + String.fromCharCode(65 + (i % 26));

/**
 * An XLSX workbook of the given sheets: text as inline strings (so numbers of 20 digits stay
 * text), numbers as numbers, the first row bold and frozen. Deterministic bytes.
 */
export function writeXlsx(sheets: { name: string; rows: CellValue[][]; widths?: number[] }[]): Buffer {
  const sheetXml = (s: (typeof sheets)[number]) => {
    const rows = s.rows
      .map((cells, r) => {
        const cs = cells
          .map((v, c) => {
            const ref = `${colName(c)}${r + 1}`;
            const style = r === 0 ? ' s="1"' : "";
            if (typeof v === "string") return v === "" ? "" : `<c r="${ref}" t="inlineStr"${style}><is><t>${esc(v)}</t></is></c>`;
            return `<c r="${ref}"${style}><v>${v.number}</v></c>`;
          })
          .join("");
        return `<row r="${r + 1}">${cs}</row>`;
      })
      .join("");
    const cols = s.widths?.length ? `<cols>${s.widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("")}</cols>` : "";
    return (
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
      `<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>` +
      `${cols}<sheetData>${rows}</sheetData></worksheet>`
    );
  };
  const ns = "http://schemas.openxmlformats.org";
  return writeZip([
    {
      name: "[Content_Types].xml",
      data:
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="${ns}/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
        `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
        sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("") +
        `</Types>`,
    },
    {
      name: "_rels/.rels",
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: "xl/workbook.xml",
      data:
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets>` +
        sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("") +
        `</sheets></workbook>`,
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      data:
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${ns}/package/2006/relationships">` +
        sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("") +
        `<Relationship Id="rId${sheets.length + 1}" Type="${ns}/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
    },
    {
      name: "xl/styles.xml",
      data:
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="${ns}/spreadsheetml/2006/main">` +
        `<fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>` +
        `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
        `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
        `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
        `<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>` +
        `</styleSheet>`,
    },
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: sheetXml(s) })),
  ]);
}
