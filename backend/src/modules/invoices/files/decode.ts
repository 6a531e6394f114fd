import { unreadable } from "./limits";

export type TextEncodingName = "UTF-8" | "GBK" | "UTF-16LE" | "UTF-16BE";

/**
 * Text files as China's spreadsheets save them: UTF-8 (with or without a byte-order mark), GBK
 * (Excel's "CSV (逗号分隔)" on a Chinese Windows; read as GB18030, its superset), or UTF-16 with a
 * byte-order mark (Excel's "Unicode text"). Without a mark, bytes that are valid UTF-8 are UTF-8
 * (GBK text of any length is almost never valid UTF-8), anything else is read as GB18030, which
 * must then decode without a replacement character. Node's own decoders (ICU) do the work.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncodingName } {
  const has = (...b: number[]) => b.every((x, i) => bytes[i] === x);
  const strict = (label: string, from = 0) => {
    try {
      return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(from));
    } catch {
      return null;
    }
  };
  if (has(0xef, 0xbb, 0xbf)) {
    const text = strict("utf-8", 3);
    if (text === null) throw unreadable("The file starts as UTF-8 text (a byte-order mark) but is not valid UTF-8; save it again as CSV UTF-8 or as GBK");
    return { text, encoding: "UTF-8" };
  }
  if (has(0xff, 0xfe) || has(0xfe, 0xff)) {
    const le = bytes[0] === 0xff;
    const text = strict(le ? "utf-16le" : "utf-16be", 2);
    if (text === null) throw unreadable("The file starts as UTF-16 text (a byte-order mark) but is not valid UTF-16; save it again as CSV UTF-8");
    return { text, encoding: le ? "UTF-16LE" : "UTF-16BE" };
  }
  const utf8 = strict("utf-8");
  if (utf8 !== null) return { text: utf8, encoding: "UTF-8" };
  const gbk = strict("gb18030");
  if (gbk !== null && !gbk.includes("\ufffd")) return { text: gbk, encoding: "GBK" };
  throw unreadable("The file is neither UTF-8 nor GBK text; save it from the spreadsheet as CSV (UTF-8 or GBK) or as XLSX");
}

/** Text that a person could have typed: no NUL, no control characters but tab and line ends. */
export const hasBinary = (text: string) => /[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 4096));
