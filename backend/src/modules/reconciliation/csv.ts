/** RFC 4180 CSV, both ways, kept small: one record per physical line (no line breaks inside fields). */

export interface CsvRecord {
  /** 1-based line number in the file. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Splits CSV text into records. Accepts LF or CRLF line ends and a leading UTF-8 BOM; skips
 * empty lines; fields may be quoted ("a, b"), with "" for a quote inside. A quoted field may
 * not span lines (bank exports do not need it, and it keeps line numbers honest).
 */
export function readCsv(text: string): { records: CsvRecord[]; errors: CsvSyntaxError[] } {
  const records: CsvRecord[] = [];
  const errors: CsvSyntaxError[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    try {
      records.push({ line, fields: splitLine(raw, line) });
    } catch (e) {
      if (e instanceof CsvSyntaxError) errors.push(e);
      else throw e;
    }
  });
  return { records, errors };
}

function splitLine(raw: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (raw[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= raw.length) throw new CsvSyntaxError(line, "has a quoted field that is not closed (a field cannot span lines)");
        if (raw[i] === '"') {
          if (raw[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += raw[i++];
      }
      if (i < raw.length && raw[i] !== ",") throw new CsvSyntaxError(line, `has text after a closing quote at column ${i + 1}; quote the whole field`);
      fields.push(value);
    } else {
      const next = raw.indexOf(",", i);
      const value = next === -1 ? raw.slice(i) : raw.slice(i, next);
      if (value.includes('"')) throw new CsvSyntaxError(line, `has a quote inside an unquoted field at column ${i + value.indexOf('"') + 1}; quote the field and double the quote ("")`);
      fields.push(value);
      i = next === -1 ? raw.length : next;
    }
    if (i >= raw.length) return fields;
    i++; // the comma
    if (i === raw.length) {
      fields.push("");
      return fields;
    }
  }
}

/**
 * One CSV field: quoted when needed; a value that a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR at the start) is prefixed with ' (OWASP CSV injection). Amounts are never
 * negative here, so no number is altered.
 */
export function csvField(v: string | number | boolean | null | undefined): string {
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (values: (string | number | boolean | null | undefined)[]) => values.map(csvField).join(",");
