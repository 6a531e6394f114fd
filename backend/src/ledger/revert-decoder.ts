import { Interface, isError, type ErrorFragment } from "ethers";
import catalogue from "./error-catalogue.json";

/** A ledger revert in the platform's terms. */
export interface LedgerFailure {
  /** Stable platform code, e.g. RECEIVABLE.DUPLICATE_INVOICE; LEDGER.UNKNOWN_REVERT if undecodable. */
  code: string;
  name: string;
  args: Record<string, string>;
  meaning: string;
  action: string;
}

/** One line of the error catalogue (written by scripts/gen-error-catalogue.ts from the contracts' NatSpec). */
export interface CatalogueEntry {
  selector: string;
  name: string;
  signature: string;
  code: string;
  meaning: string;
  action: string;
  params: string[];
  contracts: string[];
}
type Entry = CatalogueEntry;

const entries = new Map<string, Entry>((catalogue as Entry[]).map((e) => [e.selector, e]));
const iface = new Interface((catalogue as Entry[]).map((e) => `error ${e.signature}`));

/** Errors that are not a contract's custom error but the EVM's own (Panic, Error(string)). */
const PANIC = "0x4e487b71";
const ERROR_STRING = "0x08c379a0";

/** Decodes revert data (0x...) with the ledger's error catalogue. */
export function decodeRevert(data: string | undefined | null): LedgerFailure {
  if (!data || data === "0x") {
    return unknown("The transaction reverted without a reason (out of gas, or a call to a non-contract).");
  }
  const selector = data.slice(0, 10).toLowerCase();
  const entry = entries.get(selector);
  if (entry) {
    const fragment = iface.getError(selector) as ErrorFragment;
    const values = iface.decodeErrorResult(fragment, data);
    const args: Record<string, string> = {};
    entry.params.forEach((p, i) => (args[p || `arg${i}`] = String(values[i])));
    return { code: entry.code, name: entry.name, args, meaning: entry.meaning, action: entry.action };
  }
  if (selector === PANIC) return unknown(`The ledger panicked (code ${BigInt("0x" + data.slice(10))}).`);
  if (selector === ERROR_STRING) return unknown("The ledger reverted with a message.");
  return unknown(`Unknown revert ${selector}.`);
}

/** What the ledger error with this selector (0x + 8 hex digits) means, without its arguments (e.g. an event's reason). */
export function describeSelector(selector: string): Omit<LedgerFailure, "args"> {
  const entry = entries.get(selector.toLowerCase());
  if (!entry) return unknown(`Unknown reason ${selector}.`);
  return { code: entry.code, name: entry.name, meaning: entry.meaning, action: entry.action };
}

function unknown(meaning: string): LedgerFailure {
  return { code: "LEDGER.UNKNOWN_REVERT", name: "Unknown", args: {}, meaning, action: "Report it to the operator with the operation id." };
}

/** Revert data carried by an ethers error from eth_call / estimateGas / a receipt, if any. */
export function revertDataOf(e: unknown): string | undefined {
  if (isError(e, "CALL_EXCEPTION") && typeof e.data === "string") return e.data;
  let cur: unknown = e;
  for (let i = 0; i < 6 && cur && typeof cur === "object"; i++) {
    const o = cur as Record<string, unknown>;
    if (typeof o.data === "string" && o.data.startsWith("0x")) return o.data;
    cur = o.error ?? o.info ?? o.cause;
  }
  return undefined;
}
