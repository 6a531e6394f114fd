import { FILE_LIMITS, tooManyRows, unreadable } from "./limits";

/** A row of a sheet or CSV: its number as the file shows it (1-based) and its cells as text. */
export interface SheetRow {
  row: number;
  cells: string[];
}

/**
 * RFC 4180 CSV as spreadsheets write it: quoted fields (which may hold line breaks, as a 备注 can),
 * doubled quotes, CRLF or LF. The delimiter is the one the first line uses most of: comma, tab
 * (Excel's "Unicode text") or semicolon. Rows are numbered by the line they start on, as a text
 * editor shows them; blank lines are skipped. Stops past FILE_LIMITS.rows rows.
 */
export function readCsv(text: string): SheetRow[] {
  const firstLine = text.slice(0, Math.max(0, text.search(/\r?\n|$/)));
  const counts = [",", "\t", ";"].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1]);
  const delimiter = counts[0][1] > 1 ? counts[0][0] : ",";
  const rows: SheetRow[] = [];
  let cells: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRow = () => {
    cells.push(field);
    field = "";
    if (cells.some((c) => c.trim() !== "")) {
      rows.push({ row: start, cells });
      if (rows.length > FILE_LIMITS.rows) {
        throw tooManyRows(`The file has more than ${FILE_LIMITS.rows} rows; at most ${FILE_LIMITS.invoices} invoices are taken per file: split it into several files`);
      }
    }
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (c === delimiter) {
      cells.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      start = line;
    } else field += c;
  }
  if (quoted) throw unreadable(`The CSV has a quoted field that is never closed (from line ${start}); check the quotes in that row`);
  endRow();
  return rows;
}
