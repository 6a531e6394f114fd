import type { DocumentFacts } from "./facts";

/**
 * The CF* keys of a document's information dictionary: what a verifier needs to find the document
 * on the ledger (docs/signed-documents.md). Written in clear by pdfkit (each value an indirect
 * string object; the Info dictionary is never inside a compressed stream), and read back from any
 * upload, so the reader trusts nothing: it never throws, reads bounded windows, and answers null
 * unless every key is present and well formed. What it finds is only where to look: the verifier
 * still compares the file's fingerprint with the ledger's.
 */

export interface DocumentInfo {
  kind: DocumentFacts["kind"];
  receivable: string;
  chain: number;
  ledger: string;
  subject: string;
}

export function infoKeys(facts: DocumentFacts): Record<string, string> {
  return {
    CFKind: facts.kind,
    CFReceivable: facts.receivableId,
    CFChain: String(facts.chainId),
    CFLedger: facts.ledger.toLowerCase(),
    CFSubject: facts.kind === "agreement" ? facts.quoteId : facts.transaction,
  };
}

const KINDS = new Set(["certificate", "notice", "agreement"]);
const ID = /^[\x21-\x7e]{1,128}$/;
const CHAIN = /^[1-9][0-9]{0,14}$/;
const LEDGER = /^0x[0-9a-fA-F]{40}$/;
/** The signed copy's comment block after %%EOF: its base64 could spell anything, so it is cut off first. */
const SIGNATURES = "%ChainFactor-Signatures v1";
const WINDOW = 64 * 1024;
const MAX_SEARCHES = 256;

export function documentInfo(pdf: Uint8Array): DocumentInfo | null {
  try {
    let text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString("latin1");
    const signatures = text.indexOf(SIGNATURES);
    if (signatures >= 0) text = text.slice(0, signatures);
    const dict = infoDictionary(text);
    if (dict === null) return null;
    const value = (key: string) => keyValue(text, dict, key);
    const kind = value("CFKind");
    const receivable = value("CFReceivable");
    const chain = value("CFChain");
    const ledger = value("CFLedger");
    const subject = value("CFSubject");
    if (kind === null || !KINDS.has(kind)) return null;
    if (receivable === null || !ID.test(receivable) || subject === null || !ID.test(subject)) return null;
    if (chain === null || !CHAIN.test(chain) || ledger === null || !LEDGER.test(ledger)) return null;
    return { kind: kind as DocumentInfo["kind"], receivable, chain: Number(chain), ledger: ledger.toLowerCase(), subject };
  } catch {
    return null;
  }
}

/** The text of the dictionary the last trailer names as /Info; else the dictionary around the last /CFKind. */
function infoDictionary(text: string): string | null {
  const trailer = text.lastIndexOf("trailer");
  if (trailer >= 0) {
    const ref = /\/Info\s{0,8}(\d{1,10})\s{1,8}(\d{1,5})\s{1,8}R/.exec(text.slice(trailer, trailer + 4096));
    const body = ref ? objectBody(text, ref[1], ref[2]) : null;
    if (body !== null && body.includes("/CFKind")) return body;
  }
  const key = text.lastIndexOf("/CFKind");
  if (key < 0) return null;
  const open = text.lastIndexOf("<<", key);
  const close = text.indexOf(">>", key);
  if (open < 0 || close < 0 || key - open > WINDOW || close - key > WINDOW) return null;
  return text.slice(open, close + 2);
}

/** What is between `n g obj` (its last definition: incremental updates append) and its endobj. */
function objectBody(text: string, n: string, g: string): string | null {
  const head = `${Number(n)} ${Number(g)} obj`;
  let at = text.length;
  for (let i = 0; i < MAX_SEARCHES; i++) {
    at = text.lastIndexOf(head, at - 1);
    if (at < 0) return null;
    if (at === 0 || /[\s>]/.test(text[at - 1])) break;
  }
  if (at < 0) return null;
  const start = at + head.length;
  const end = text.indexOf("endobj", start);
  if (end < 0 || end - start > WINDOW) return null;
  return text.slice(start, end);
}

/** A key's value in the dictionary: a literal or hex string, or a reference to an object holding one. */
function keyValue(text: string, dict: string, key: string): string | null {
  let at = dict.indexOf(`/${key}`);
  while (at >= 0 && /[A-Za-z0-9]/.test(dict[at + key.length + 1] ?? "")) at = dict.indexOf(`/${key}`, at + 1);
  if (at < 0) return null;
  const rest = dict.slice(at + key.length + 1, at + key.length + 1 + 1024);
  const ref = /^\s{0,8}(\d{1,10})\s{1,8}(\d{1,5})\s{1,8}R/.exec(rest);
  if (ref) {
    const body = objectBody(text, ref[1], ref[2]);
    return body === null ? null : pdfString(body.trimStart());
  }
  return pdfString(rest.trimStart());
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", "(": "(", ")": ")", "\\": "\\" };

/** The PDF string the text starts with, decoded (UTF-16BE with its byte order mark, else Latin-1), or null. */
function pdfString(s: string): string | null {
  let bytes = "";
  if (s.startsWith("<") && !s.startsWith("<<")) {
    const end = s.indexOf(">");
    if (end < 0) return null;
    const hex = s.slice(1, end).replace(/\s/g, "");
    if (!/^[0-9a-fA-F]*$/.test(hex)) return null;
    const even = hex.length % 2 ? `${hex}0` : hex;
    for (let i = 0; i < even.length; i += 2) bytes += String.fromCharCode(parseInt(even.slice(i, i + 2), 16));
  } else if (s.startsWith("(")) {
    let depth = 1;
    let i = 1;
    for (; i < s.length && depth > 0; i++) {
      const c = s[i];
      if (c === "\\") {
        const next = s[++i] ?? "";
        if (next in ESCAPES) bytes += ESCAPES[next];
        else if (/[0-7]/.test(next)) {
          const octal = /^[0-7]{1,3}/.exec(s.slice(i, i + 3))![0];
          bytes += String.fromCharCode(parseInt(octal, 8) & 0xff);
          i += octal.length - 1;
        } else if (next === "\r" && s[i + 1] === "\n") i++;
        else if (next !== "\n" && next !== "\r") bytes += next;
      } else if (c === "(") {
        depth++;
        bytes += c;
      } else if (c === ")") {
        if (--depth > 0) bytes += c;
      } else bytes += c;
    }
    if (depth > 0) return null;
  } else return null;
  if (bytes.startsWith("\xfe\xff")) return Buffer.from(bytes.slice(2), "latin1").swap16().toString("utf16le");
  return bytes;
}
