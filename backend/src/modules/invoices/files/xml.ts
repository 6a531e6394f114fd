import { XMLParser, XMLValidator } from "fast-xml-parser";
import { FILE_LIMITS, unreadable, unsafeXml } from "./limits";

/** An element as fast-xml-parser gives it: attributes under "@name", text under "#text", children by local name. */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const parser = (arrays: ReadonlySet<string>) =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    textNodeName: "#text",
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // no entity is ever expanded (the five XML ones and character references are decoded by `text`)
    processEntities: false,
    htmlEntities: false,
    isArray: (name) => arrays.has(name),
  });

/**
 * Parses XML from an uploaded file, refusing what an attacker would send: a DOCTYPE or entity
 * declaration (external entities, XXE, and entity expansion bombs: no entity is ever resolved or
 * expanded), elements nested deeper than FILE_LIMITS.xmlDepth, and text that is not well-formed
 * XML (named with its line). `arrays`: element names that always come as lists (rows, cells).
 */
export function parseXml(text: string, what: string, arrays: ReadonlySet<string> = new Set()): XmlNode {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw unsafeXml(`The ${what} declares a DOCTYPE or entities, which invoice files never do and XML attacks (external entities, entity expansion) need; it is refused`);
  }
  const depth = maxDepth(text);
  if (depth > FILE_LIMITS.xmlDepth) throw unsafeXml(`The ${what} nests elements ${depth} deep (an invoice file nests a dozen; at most ${FILE_LIMITS.xmlDepth} are read); it is refused`);
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (valid !== true) throw unreadable(`The ${what} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}); export it again`);
  try {
    return parser(arrays).parse(text) as XmlNode;
  } catch (e) {
    throw unreadable(`The ${what} cannot be read as XML (${(e as Error).message.slice(0, 120)}); export it again`);
  }
}

/**
 * How deep elements nest, counted over start and end tags in one linear pass (comments, CDATA,
 * declarations and quoted attribute values skipped; no regular expression, so no backtracking on
 * hostile text). Stops counting past the limit.
 */
function maxDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let i = 0;
  for (;;) {
    const lt = text.indexOf("<", i);
    if (lt < 0) return max;
    const skipTo = (close: string, from: number) => {
      const end = text.indexOf(close, from);
      return end < 0 ? -1 : end + close.length;
    };
    if (text.startsWith("<!--", lt)) i = skipTo("-->", lt + 4);
    else if (text.startsWith("<![CDATA[", lt)) i = skipTo("]]>", lt + 9);
    else if (text[lt + 1] === "?" || text[lt + 1] === "!") i = skipTo(">", lt + 2);
    else {
      // the tag's end: the first ">" outside a quoted attribute value
      let j = lt + 1;
      let quote = "";
      for (; j < text.length; j++) {
        const c = text[j];
        if (quote) {
          if (c === quote) quote = "";
        } else if (c === '"' || c === "'") quote = c;
        else if (c === ">" || c === "<") break;
      }
      if (j >= text.length || text[j] === "<") {
        i = j;
        if (j >= text.length) return max;
        continue;
      }
      if (text[lt + 1] === "/") depth--;
      else if (text[j - 1] !== "/") max = Math.max(max, ++depth);
      if (max > FILE_LIMITS.xmlDepth) return max;
      i = j + 1;
    }
    if (i < 0) return max;
  }
}

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' };

/** An element's text: its own string, or its "#text"; entities of XML itself decoded. */
export function text(v: XmlValue | undefined): string {
  if (v === undefined) return "";
  if (Array.isArray(v)) return text(v[0]);
  const s = typeof v === "string" ? v : typeof v["#text"] === "string" ? (v["#text"] as string) : "";
  return s.replace(/&(lt|gt|amp|apos|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (_, e: string) => {
    if (e[0] !== "#") return NAMED[e];
    const code = e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : "";
  });
}

/** The child elements named `name` (always a list). */
export function children(node: XmlValue | undefined, name: string): XmlValue[] {
  if (!node || typeof node === "string" || Array.isArray(node)) return [];
  const v = node[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The first element along a path of local names, or undefined. */
export function at(node: XmlValue | undefined, ...path: string[]): XmlValue | undefined {
  let cur: XmlValue | undefined = node;
  for (const name of path) cur = children(Array.isArray(cur) ? cur[0] : cur, name)[0];
  return cur;
}

/** The first element named `name` anywhere below `node` (depth first, document order within a level). */
export function find(node: XmlValue | undefined, name: string, depth = 0): XmlValue | undefined {
  if (!node || typeof node === "string" || depth > FILE_LIMITS.xmlDepth) return undefined;
  if (Array.isArray(node)) {
    for (const n of node) {
      const f = find(n, name, depth + 1);
      if (f !== undefined) return f;
    }
    return undefined;
  }
  if (node[name] !== undefined) return children(node, name)[0];
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith("@") || k === "#text") continue;
    const f = find(v, name, depth + 1);
    if (f !== undefined) return f;
  }
  return undefined;
}

/** An attribute's value. */
export const attr = (node: XmlValue | undefined, name: string): string =>
  node && typeof node !== "string" && !Array.isArray(node) && typeof node[`@${name}`] === "string" ? text(node[`@${name}`]) : "";
