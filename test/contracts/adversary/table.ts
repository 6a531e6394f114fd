/**
 * How the adversary table is written: for every state-changing contract function, one hostile
 * call that a member of each kind makes with its own key, with the refusal each kind must get
 * written down, plus further rows of hostile arguments (mostly by the kinds that may call the
 * function at all, since only they get past its gate).
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Account, Scene } from "./scene";
import { MemberRole } from "../../../backend/src/ledger/roles";

/** The kinds of attacker. Each is one self-keyed account (`KIND_ACCOUNT`), except the suspended
 * one, which is the suspended member of the type the function is about. */
export const KINDS = ["core", "supplier", "bank", "issuer", "auditor", "outsider", "removed", "suspended", "operator", "governance"] as const;
export type Kind = (typeof KINDS)[number];
export const KIND_ACCOUNT: Record<Exclude<Kind, "suspended">, Account> = {
  core: "core2", // a core enterprise that owes none of the victims' certificates
  supplier: "supplierB", // a supplier that holds none of them
  bank: "bankB", // a bank that financed none of them
  issuer: "issuer", // the settlement issuer
  auditor: "auditor",
  outsider: "outsider", // not a member
  removed: "removed", // a key the operator removed from supplierA's organization
  operator: "operator", // holds OPERATOR_ROLE, is no member
  governance: "admin", // the default admin of Membership
};

/** In expected arguments: the attacker's own address, or any value (timestamps). */
export const SELF = Symbol("caller");
export const ANY = Symbol("any");
type Arg = unknown;
export type Call = (s: Scene, who: HardhatEthersSigner) => Promise<unknown>;

/** The custom error a hostile call must revert with; an argument may be SELF, ANY or a function of the scene. */
export interface Refusal {
  error: string;
  args: Arg[];
}
/** A kind that may make the function's hostile call as written (its own hostile arguments are rows). */
export interface Entitled {
  entitled: string;
}
export interface Row {
  by: Account;
  what: string;
  call: Call;
  /** Run first, in a snapshot that is restored afterwards. */
  prep?: (s: Scene) => Promise<void>;
  /** The refusal; absent for calls that succeed by design but must not touch anyone else's state. */
  refused?: Refusal;
  /** For calls that succeed: what must still hold afterwards (run in a snapshot that is restored). */
  harmless?: (s: Scene, who: HardhatEthersSigner) => Promise<void>;
}
export interface FunctionRows {
  /** The hostile call each kind makes with its own key. */
  what: string;
  call: Call;
  /** The suspended member standing for its kind. */
  suspended: Account;
  kinds: Record<Kind, Refusal | Entitled>;
  rows?: Row[];
}
/** Keyed by function name, or by signature where the name is overloaded. */
export type ContractRows = Record<string, FunctionRows>;

export const err = (error: string, ...args: Arg[]): Refusal => ({ error, args });
export const may = (why: string): Entitled => ({ entitled: why });
export const refuse = (by: Account, what: string, call: Call, refused: Refusal, prep?: Row["prep"]): Row => ({ by, what, call, refused, prep });
export const harmless = (by: Account, what: string, call: Call, check: NonNullable<Row["harmless"]>): Row => ({ by, what, call, harmless: check });

export const CORE = MemberRole.CoreEnterprise;
export const SUPPLIER = MemberRole.Supplier;
export const BANK = MemberRole.Bank;
export const ISSUER = MemberRole.SettlementIssuer;
export const inactive = err("MemberInactive", SELF);
export const missing = (role: number) => err("MemberRoleMissing", SELF, role);
export const notOperator = err("MembershipUnauthorizedOperator", SELF);

/** Every kind gets `outcome`, except those named. */
export const every = (outcome: Refusal | Entitled, except: Partial<Record<Kind, Refusal | Entitled>> = {}) =>
  Object.fromEntries(KINDS.map((k) => [k, except[k] ?? outcome])) as Record<Kind, Refusal | Entitled>;
/** A function gated by `role`: non-members (and removed or suspended keys) get MemberInactive, other members MemberRoleMissing. */
export const gate = (role: number, except: Partial<Record<Kind, Refusal | Entitled>> = {}) =>
  every(missing(role), { outsider: inactive, removed: inactive, suspended: inactive, operator: inactive, governance: inactive, ...except });
