/**
 * Generates the ledger's error catalogue from the compiled contracts: selector → name → what it
 * means → what to do. Meanings come from each error's NatSpec (`@notice`, `@custom:action`);
 * OpenZeppelin's errors, which carry no such tags, get theirs from the table below.
 *
 * Writes backend/src/ledger/error-catalogue.json (read by the backend's revert decoder) and
 * docs/error-catalogue.md. Run after compiling: `npm run errors:gen`.
 * `--check` exits non-zero if the committed files are stale (used by the tests).
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { id as keccakId } from "ethers";
import type { CatalogueEntry } from "../backend/src/ledger/revert-decoder";

const ROOT = join(__dirname, "..");
/** Deployed contracts whose reverts the backend decodes. */
const CONTRACTS = [
  "contracts/ReceivableLedger.sol:ReceivableLedger",
  "contracts/membership/Membership.sol:Membership",
  "contracts/settlement/SettlementToken.sol:SettlementToken",
];
const JSON_OUT = join(ROOT, "backend/src/ledger/error-catalogue.json");
const MD_OUT = join(ROOT, "docs/error-catalogue.md");

/** Library errors that can surface through the ledger's contracts. */
const LIBRARY_ERRORS: Record<string, { meaning: string; action: string }> = {
  AccessControlUnauthorizedAccount: {
    meaning: "The caller lacks the access-control role the function requires.",
    action: "Send from an account holding the role (the default admin grants it).",
  },
  AccessControlBadConfirmation: { meaning: "renounceRole was called for another account.", action: "Renounce only your own role." },
  AccessControlEnforcedDefaultAdminRules: {
    meaning: "The default admin role can only change hands through the two-step, delayed handover.",
    action: "Use beginDefaultAdminTransfer, wait the delay, then acceptDefaultAdminTransfer.",
  },
  AccessControlEnforcedDefaultAdminDelay: {
    meaning: "The default-admin handover or delay change is not yet past its waiting period.",
    action: "Wait until the schedule returned by pendingDefaultAdmin() has passed.",
  },
  AccessControlInvalidDefaultAdmin: { meaning: "The default admin cannot be the zero address.", action: "Name a real account." },
  EnforcedPause: {
    meaning: "The ledger is paused by the operator; only settlement and withdrawals run.",
    action: "Retry after the operator unpauses; nothing accrues or defaults meanwhile.",
  },
  ExpectedPause: { meaning: "The ledger is not paused.", action: "Nothing to unpause." },
  ReentrancyGuardReentrantCall: {
    meaning: "A call re-entered the ledger during financing or clearing.",
    action: "Do not call the ledger from token or receiver callbacks.",
  },
  SafeERC20FailedOperation: {
    meaning: "A settlement-token transfer failed.",
    action: "Check the payer's balance and allowance to the ledger.",
  },
  ERC20InsufficientBalance: { meaning: "The sender's settlement-token balance is too low.", action: "Deposit more before retrying." },
  ERC20InsufficientAllowance: {
    meaning: "The allowance to the spender (the ledger) is too low.",
    action: "Approve the ledger for at least the amount (repayment authorization or bank funding).",
  },
  ERC20InvalidSender: { meaning: "Tokens cannot be sent from the zero address.", action: "Check the sender." },
  ERC20InvalidReceiver: { meaning: "Tokens cannot be sent to the zero address.", action: "Check the recipient." },
  ERC20InvalidApprover: { meaning: "The approver is the zero address.", action: "Check the owner." },
  ERC20InvalidSpender: { meaning: "The spender is the zero address.", action: "Check the spender." },
  ERC721NonexistentToken: { meaning: "No certificate has this id.", action: "Check the id." },
  ERC721IncorrectOwner: { meaning: "The `from` address does not hold the certificate.", action: "Transfer from the current holder." },
  ERC721InsufficientApproval: {
    meaning: "The caller is neither the holder nor approved for the certificate.",
    action: "Send from the holder or an approved operator.",
  },
  ERC721InvalidReceiver: { meaning: "The recipient cannot receive certificates.", action: "Use an active supplier's account." },
  ERC721InvalidSender: { meaning: "Invalid sender.", action: "Check the sender." },
  ERC721InvalidOwner: { meaning: "The zero address owns nothing.", action: "Query a real account." },
  ERC721InvalidApprover: { meaning: "The approver does not hold the certificate.", action: "Approve from the holder." },
  ERC721InvalidOperator: { meaning: "The operator is the zero address.", action: "Name a real operator." },
  InvalidShortString: { meaning: "Internal: EIP-712 name too long.", action: "None (deployment-time only)." },
  StringTooLong: { meaning: "Internal: EIP-712 name too long.", action: "None (deployment-time only)." },
  SafeCastOverflowedUintDowncast: { meaning: "A value does not fit its storage type.", action: "Use a smaller value." },
};

interface AbiInput {
  name: string;
  type: string;
  components?: AbiInput[];
}
interface AbiError {
  type: string;
  name: string;
  inputs: AbiInput[];
}
export type { CatalogueEntry };

const typeOf = (i: AbiInput): string =>
  i.type.startsWith("tuple") ? `(${(i.components ?? []).map(typeOf).join(",")})${i.type.slice(5)}` : i.type;

/** `ReceivableDuplicateInvoice` → `RECEIVABLE.DUPLICATE_INVOICE`; `ERC721NonexistentToken` → `ERC721.NONEXISTENT_TOKEN`. */
export function errorCode(name: string): string {
  const words = name.match(/[A-Z]{2,}[0-9]*(?=[A-Z][a-z]|$)|[A-Z][a-z0-9]*|[0-9]+/g) ?? [name];
  const [domain, ...rest] = words;
  return `${domain.toUpperCase()}.${(rest.length ? rest : ["ERROR"]).join("_").toUpperCase()}`;
}

function buildInfoOf(fqn: string) {
  const [file, name] = fqn.split(":");
  const dbgPath = join(ROOT, "artifacts", file, `${name}.dbg.json`);
  if (!existsSync(dbgPath)) throw new Error(`${dbgPath} missing: run \`npx hardhat compile\` first`);
  const dbg = JSON.parse(readFileSync(dbgPath, "utf8"));
  const info = JSON.parse(readFileSync(join(dirname(dbgPath), dbg.buildInfo), "utf8"));
  return info.output.contracts[file][name] as {
    abi: AbiError[];
    devdoc: { errors?: Record<string, { "custom:action"?: string; details?: string }[]> };
    userdoc: { errors?: Record<string, { notice?: string }[]> };
  };
}

export function buildCatalogue(): CatalogueEntry[] {
  const entries = new Map<string, CatalogueEntry>();
  for (const fqn of CONTRACTS) {
    const contract = buildInfoOf(fqn);
    const contractName = fqn.split(":")[1];
    for (const e of contract.abi.filter((x) => x.type === "error")) {
      const signature = `${e.name}(${e.inputs.map(typeOf).join(",")})`;
      const selector = keccakId(signature).slice(0, 10);
      const existing = entries.get(selector);
      if (existing) {
        if (!existing.contracts.includes(contractName)) existing.contracts.push(contractName);
        continue;
      }
      const notice = contract.userdoc.errors?.[signature]?.[0]?.notice;
      const action = contract.devdoc.errors?.[signature]?.[0]?.["custom:action"];
      const library = LIBRARY_ERRORS[e.name];
      const meaning = notice ?? library?.meaning;
      const todo = action ?? library?.action;
      if (!meaning || !todo) {
        throw new Error(`${signature} in ${contractName} needs @notice and @custom:action NatSpec (or a LIBRARY_ERRORS entry)`);
      }
      entries.set(selector, {
        selector,
        name: e.name,
        signature,
        code: errorCode(e.name),
        meaning: meaning.trim(),
        action: todo.trim(),
        params: e.inputs.map((i) => i.name),
        contracts: [contractName],
      });
    }
  }
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function markdown(entries: CatalogueEntry[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rows = entries.map(
    (e) => `| \`${e.selector}\` | \`${esc(e.signature)}\` | \`${e.code}\` | ${esc(e.meaning)} | ${esc(e.action)} |`,
  );
  return [
    "# Ledger error catalogue",
    "",
    "Generated by `npm run errors:gen` from the contracts' NatSpec; do not edit by hand.",
    "The backend's revert decoder reads the JSON twin of this table (`backend/src/ledger/error-catalogue.json`).",
    "",
    "| selector | error | code | meaning | what to do |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

function main() {
  const entries = buildCatalogue();
  const json = JSON.stringify(entries, null, 2) + "\n";
  const md = markdown(entries);
  if (process.argv.includes("--check")) {
    const stale = [
      [JSON_OUT, json],
      [MD_OUT, md],
    ].filter(([path, content]) => !existsSync(path) || readFileSync(path, "utf8") !== content);
    if (stale.length) {
      console.error(`stale: ${stale.map(([p]) => p).join(", ")} — run \`npm run errors:gen\``);
      process.exit(1);
    }
    return;
  }
  writeFileSync(JSON_OUT, json);
  writeFileSync(MD_OUT, md);
  console.log(`error catalogue: ${entries.length} errors → ${JSON_OUT}, ${MD_OUT}`);
}

if (require.main === module) main();
