/**
 * Authorization matrix: every state-changing function of Membership, SettlementToken and
 * ReceivableLedger is tried by every party of the consortium, and each attempt must end exactly
 * as the table says: success for the party with authority, and for everyone else the specific
 * custom error with its arguments, leaving the state untouched.
 *
 * How a matrix runs: one world, the function's setup, an EVM snapshot; then for each caller
 * (operator, admin, relayer, core1 = obligor, core2, supplierA = holder, supplierB, bankA,
 * bankB, auditor, issuer, outsider, and a suspended party of the right role) one attempt, its
 * checks, and a restore of the snapshot. All deviations of one function are reported together.
 * A final test compares the ABIs with the functions covered here, so a new state-changing
 * function cannot slip in without its row in the matrix.
 */
import { describe, it, expect } from "vitest";
import hre from "hardhat";
import {
  ZeroAddress,
  ZeroHash,
  encodeBytes32String,
  id as keccakText,
  type Interface,
  type ContractTransactionResponse,
} from "ethers";
import { takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  world,
  nextOp,
  nextNonce,
  orgId,
  expectRevert,
  revertOf,
  time,
  input,
  register,
  issue,
  confirmed,
  financed,
  transferred,
  signConfirm,
  signTerms,
  ADMIN_DELAY,
  DAY,
  YUAN,
  DEFAULT_PARAMS,
  attested,
  skipsOf,
  expectSkipped,
  type World, confirmItems, fingerprint,
} from "./fixtures";
import { MemberRole, ReceivableStatus as Status } from "../../backend/src/ledger/roles";

// ─── The callers ─────────────────────────────────────────────────────────

const PARTIES = [
  "operator", // holds OPERATOR_ROLE, is no member
  "admin", // default admin (governance), holds no OPERATOR_ROLE
  "relayer", // holds no role at all
  "core1", // core enterprise: the obligor of the certificates under test
  "core2", // another core enterprise
  "supplierA", // supplier: the creditor and holder of the certificates under test
  "supplierB", // another supplier
  "bankA", // bank: the financing bank where there is one
  "bankB", // another bank
  "auditor",
  "issuer", // settlement issuer
  "outsider", // not a member
] as const;
type Party = (typeof PARTIES)[number];
const CALLERS = [...PARTIES, "suspended"] as const;
type Caller = (typeof CALLERS)[number];

const CORE = MemberRole.CoreEnterprise;
const SUPPLIER = MemberRole.Supplier;
const BANK = MemberRole.Bank;
const ISSUER = MemberRole.SettlementIssuer;
const OPERATOR_ROLE = keccakText("OPERATOR_ROLE");
const DEFAULT_ADMIN_ROLE = ZeroHash;
const REASON = encodeBytes32String("audit finding");
const FACE = 1_000_000n * YUAN; // the fixtures' default certificate amount
const ADVANCE = 900_000n * YUAN; // the fixtures' default finance terms
const DUE = 950_000n * YUAN;

// ─── Expected outcomes ──────────────────────────────────────────────────

const OK = "ok" as const;
/** Stands for the address of the party making the attempt (or under test) in expected args. */
const SELF = Symbol("self");
interface Rejection {
  error: string;
  args: unknown[];
}
/** A `finance` batch mined without funding the item: FinancingSkipped with this error as its reason. */
interface Skip {
  skipped: string;
}
type Outcome = typeof OK | Rejection | Skip;
type Table = Record<Caller, Outcome>;

const err = (error: string, ...args: unknown[]): Rejection => ({ error, args });
const skip = (skipped: string): Skip => ({ skipped });
const inactive = err("MemberInactive", SELF);
const missing = (role: number) => err("MemberRoleMissing", SELF, role);
const notOperator = err("MembershipUnauthorizedOperator", SELF);
const notAdmin = err("AccessControlUnauthorizedAccount", SELF, DEFAULT_ADMIN_ROLE);
const notEligible = err("SettlementAccountNotEligible", SELF);
/** The same outcome for every caller, except the ones named. */
const everyone = (outcome: Outcome, except: Partial<Table> = {}): Table =>
  Object.fromEntries(CALLERS.map((c) => [c, except[c] ?? outcome])) as Table;
const NON_MEMBERS = ["operator", "admin", "relayer", "outsider", "suspended"] as const;
/**
 * A function gated by `role`: callers that are not active members get MemberInactive, members
 * without the role MemberRoleMissing, except the ones named.
 */
const roleGate = (role: number, except: Partial<Table>): Table =>
  everyone(missing(role), { ...Object.fromEntries(NON_MEMBERS.map((c) => [c, inactive])), ...except });

// ─── The suspended row ──────────────────────────────────────────────────

/** How the last row's party loses its authority before its attempt. */
interface Suspension {
  party: Party;
  label: string;
  prep: (w: World) => Promise<void>;
}
const suspended = (party: Party): Suspension => ({
  party,
  label: `suspended ${party}`,
  prep: async (w) => {
    await w.membership.connect(w.operator).suspend(orgId(party), REASON, nextOp());
  },
});
const revokedOperator: Suspension = {
  party: "operator",
  label: "operator whose OPERATOR_ROLE was revoked",
  prep: async (w) => {
    await w.membership.connect(w.admin).revokeRole(OPERATOR_ROLE, w.operator.address);
  },
};
const formerAdmin: Suspension = {
  party: "admin",
  label: "former default admin (handed over)",
  prep: async (w) => {
    const successor = w.spare[1];
    await w.membership.connect(w.admin).beginDefaultAdminTransfer(successor.address);
    await time.increase(ADMIN_DELAY + 1n);
    await w.membership.connect(successor).acceptDefaultAdminTransfer();
  },
};

// ─── The matrix runner ──────────────────────────────────────────────────

type Tx = Promise<ContractTransactionResponse>;

interface Matrix<C> {
  setup?: (w: World) => Promise<C>;
  /** The one attempt made by (or about) `who`. */
  act: (w: World, who: HardhatEthersSigner, ctx: C) => Tx;
  /** The party of the right role that is suspended (or otherwise disempowered) for the last row. */
  suspended: Party | Suspension;
  expected: (ctx: C, w: World) => Table;
  /** State that a rejected attempt must leave exactly as it was. */
  state?: (w: World, ctx: C, who: HardhatEthersSigner) => Promise<unknown>;
  /** Checks after an authorized attempt succeeded; `before` is what `state` read before it. */
  after?: (w: World, ctx: C, who: HardhatEthersSigner, before: any) => Promise<void>;
}

type ContractName = "Membership" | "SettlementToken" | "ReceivableLedger";
const covered: Record<ContractName, Set<string>> = {
  Membership: new Set(),
  SettlementToken: new Set(),
  ReceivableLedger: new Set(),
};

/** Declares one matrix test for `fn` of `contract`. */
function authz<C>(contract: ContractName, fn: string, title: string, m: Matrix<C>) {
  covered[contract].add(fn);
  it(`${fn}: ${title}`, () => runMatrix(m));
}

async function runMatrix<C>(m: Matrix<C>) {
  const w = await world();
  const ctx = (m.setup ? await m.setup(w) : undefined) as C;
  const table = m.expected(ctx, w);
  expect(Object.keys(table).sort(), "the table names every caller").toEqual([...CALLERS].sort());
  const suspension = typeof m.suspended === "string" ? suspended(m.suspended) : m.suspended;
  const base = await takeSnapshot();
  const failures: string[] = [];
  for (const caller of CALLERS) {
    const party = caller === "suspended" ? suspension.party : caller;
    const who = w[party];
    const want = table[caller];
    const label = `${caller === "suspended" ? suspension.label : caller} (expected ${show(want)})`;
    try {
      if (caller === "suspended") await suspension.prep(w);
      const before = await m.state?.(w, ctx, who);
      if (want === OK) {
        await expectSuccess(m.act(w, who, ctx));
        await m.after?.(w, ctx, who, before);
      } else if ("skipped" in want) {
        expect((await skipsOf(w, m.act(w, who, ctx))).map(([, reason]) => reason)).toEqual([want.skipped]);
        if (m.state) expect(await m.state(w, ctx, who), "state after the skipped item").toEqual(before);
      } else {
        const args = want.args.map((a) => (a === SELF ? who.address : a));
        await expectRevert(m.act(w, who, ctx), want.error, args);
        if (m.state) expect(await m.state(w, ctx, who), "state after the rejected call").toEqual(before);
      }
    } catch (e) {
      failures.push(`${label}: ${(e as Error).message}`);
    }
    await base.restore();
  }
  expect(failures.map((f) => withNames(w, f))).toEqual([]);
}

async function expectSuccess(p: Tx) {
  try {
    await (await p).wait();
  } catch (e) {
    let decoded: { name: string; args: unknown[] };
    try {
      decoded = await revertOf(Promise.reject(e));
    } catch {
      throw e;
    }
    throw new Error(`reverted with ${decoded.name}(${decoded.args.join(", ")})`);
  }
}

const show = (o: Outcome) =>
  o === OK ? "success" : "skipped" in o ? `skipped: ${o.skipped}` : `${o.error}(${o.args.map((a) => (a === SELF ? "caller" : String(a))).join(", ")})`;

/** Replaces party addresses by party names in a failure message. */
function withNames(w: World, message: string) {
  let out = message;
  for (const p of [...PARTIES, "supplierC"] as const) {
    out = out.replace(new RegExp(w[p].address, "gi"), p);
  }
  return out;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

// ─── Shared setups ──────────────────────────────────────────────────────

/** A Confirmed certificate of supplierA owed by core1 (ERC-721 approvals cannot be given at all). */
async function heldCertificate(w: World) {
  return { id: await confirmed(w) };
}

async function maturityOf(w: World, id: bigint) {
  return (await w.ledger.receivable(id)).maturity;
}

/** An Overdue certificate past its default period: financed by bankA with recourse (unless
 * `unfinanced`), core1 withdrew its repayment allowance, maturity and both periods passed. */
async function overdue(w: World, { unfinanced = false } = {}) {
  const id = await confirmed(w);
  if (!unfinanced) await financed(w, id, w.supplierA, w.bankA, { recourse: true });
  await w.token.connect(w.core1).approve(await w.ledger.getAddress(), 0n);
  const maturity = await maturityOf(w, id);
  await time.increaseTo(maturity + BigInt(DEFAULT_PARAMS.gracePeriod));
  await w.ledger.connect(w.outsider).settle([id], nextOp());
  expect((await w.ledger.receivable(id)).status).toBe(BigInt(Status.Overdue));
  await time.increase(BigInt(DEFAULT_PARAMS.defaultPeriod) + 1n);
  return { id };
}

async function balances(w: World, accounts: string[]) {
  return Promise.all(accounts.map((a) => w.token.balanceOf(a)));
}

const statusOf = async (w: World, id: bigint) => (await w.ledger.receivable(id)).status;

/** supplierA's payout for a matured certificate, held by the ledger while it was suspended (it is active again). */
async function payoutHeldForSupplierA(w: World) {
  const id = await confirmed(w);
  await time.increaseTo(await maturityOf(w, id));
  await w.membership.connect(w.operator).suspend(orgId("supplierA"), REASON, nextOp());
  await w.ledger.connect(w.outsider).settle([id], nextOp());
  await w.membership.connect(w.operator).reinstate(orgId("supplierA"), nextOp());
}

// ═══ Membership ═════════════════════════════════════════════════════════

describe("Membership", () => {
  describe("operator actions: only an account holding OPERATOR_ROLE", () => {
    const operatorOnly = <C>(m: Omit<Matrix<C>, "expected" | "suspended">): Matrix<C> => ({
      ...m,
      suspended: revokedOperator,
      expected: () => everyone(notOperator, { operator: OK }),
    });

    authz("Membership", "registerOrganization", "operator only", operatorOnly({
      act: (w, who) => w.membership.connect(who).registerOrganization(orgId("newco"), SUPPLIER, [w.spare[0].address], nextOp()),
      state: (w) => w.membership.organizationOf(w.spare[0].address),
      after: async (w) => {
        expect(await w.membership.organizationOf(w.spare[0].address)).toBe(orgId("newco"));
        expect(await w.membership.activeRoles(w.spare[0].address)).toBe(BigInt(SUPPLIER));
      },
    }));

    authz("Membership", "setRoles", "operator only", operatorOnly({
      act: (w, who) => w.membership.connect(who).setRoles(orgId("supplierC"), SUPPLIER | CORE, nextOp()),
      state: (w) => w.membership.activeRoles(w.supplierC.address),
      after: async (w) => expect(await w.membership.activeRoles(w.supplierC.address)).toBe(BigInt(SUPPLIER | CORE)),
    }));

    authz("Membership", "addAccount", "operator only", operatorOnly({
      act: (w, who) => w.membership.connect(who).addAccount(orgId("supplierC"), w.spare[0].address, nextOp()),
      state: (w) => w.membership.organizationOf(w.spare[0].address),
      after: async (w) => expect(await w.membership.organizationOf(w.spare[0].address)).toBe(orgId("supplierC")),
    }));

    authz("Membership", "removeAccount", "operator only", operatorOnly({
      act: (w, who) => w.membership.connect(who).removeAccount(w.supplierC.address, nextOp()),
      state: (w) => w.membership.organizationOf(w.supplierC.address),
      after: async (w) => expect(await w.membership.isActive(w.supplierC.address)).toBe(false),
    }));

    authz("Membership", "suspend", "operator only", operatorOnly({
      act: (w, who) => w.membership.connect(who).suspend(orgId("supplierC"), REASON, nextOp()),
      state: (w) => w.membership.isActive(w.supplierC.address),
      after: async (w) => expect(await w.membership.isActive(w.supplierC.address)).toBe(false),
    }));

    authz("Membership", "reinstate", "operator only", operatorOnly({
      setup: async (w) => {
        await w.membership.connect(w.operator).suspend(orgId("supplierC"), REASON, nextOp());
      },
      act: (w, who) => w.membership.connect(who).reinstate(orgId("supplierC"), nextOp()),
      state: (w) => w.membership.isActive(w.supplierC.address),
      after: async (w) => expect(await w.membership.isActive(w.supplierC.address)).toBe(true),
    }));
  });

  describe("governance (OpenZeppelin AccessControlDefaultAdminRules): only the default admin", () => {
    const adminOnly = <C>(m: Omit<Matrix<C>, "expected" | "suspended">): Matrix<C> => ({
      ...m,
      suspended: formerAdmin,
      expected: () => everyone(notAdmin, { admin: OK }),
    });

    authz("Membership", "grantRole", "OPERATOR_ROLE is granted by the default admin only", adminOnly({
      act: (w, who) => w.membership.connect(who).grantRole(OPERATOR_ROLE, w.spare[0].address),
      state: (w) => w.membership.isOperator(w.spare[0].address),
      after: async (w) => expect(await w.membership.isOperator(w.spare[0].address)).toBe(true),
    }));

    authz("Membership", "revokeRole", "OPERATOR_ROLE is revoked by the default admin only", adminOnly({
      act: (w, who) => w.membership.connect(who).revokeRole(OPERATOR_ROLE, w.operator.address),
      state: (w) => w.membership.isOperator(w.operator.address),
      after: async (w) => expect(await w.membership.isOperator(w.operator.address)).toBe(false),
    }));

    authz("Membership", "beginDefaultAdminTransfer", "default admin only", adminOnly({
      act: (w, who) => w.membership.connect(who).beginDefaultAdminTransfer(w.spare[0].address),
      state: async (w) => (await w.membership.pendingDefaultAdmin())[0],
      after: async (w) => expect((await w.membership.pendingDefaultAdmin())[0]).toBe(w.spare[0].address),
    }));

    authz("Membership", "cancelDefaultAdminTransfer", "default admin only", adminOnly({
      setup: async (w) => {
        await w.membership.connect(w.admin).beginDefaultAdminTransfer(w.spare[0].address);
      },
      act: (w, who) => w.membership.connect(who).cancelDefaultAdminTransfer(),
      state: async (w) => (await w.membership.pendingDefaultAdmin())[0],
      after: async (w) => expect((await w.membership.pendingDefaultAdmin())[0]).toBe(ZeroAddress),
    }));

    authz("Membership", "changeDefaultAdminDelay", "default admin only", adminOnly({
      act: (w, who) => w.membership.connect(who).changeDefaultAdminDelay(DAY),
      state: async (w) => (await w.membership.pendingDefaultAdminDelay())[0],
      after: async (w) => expect((await w.membership.pendingDefaultAdminDelay())[0]).toBe(DAY),
    }));

    authz("Membership", "rollbackDefaultAdminDelay", "default admin only", adminOnly({
      setup: async (w) => {
        await w.membership.connect(w.admin).changeDefaultAdminDelay(DAY);
      },
      act: (w, who) => w.membership.connect(who).rollbackDefaultAdminDelay(),
      state: async (w) => (await w.membership.pendingDefaultAdminDelay())[0],
      after: async (w) => expect((await w.membership.pendingDefaultAdminDelay())[0]).toBe(0n),
    }));

    authz("Membership", "acceptDefaultAdminTransfer", "only the pending admin (spare[0]), nobody in the table", {
      setup: async (w) => {
        await w.membership.connect(w.admin).beginDefaultAdminTransfer(w.spare[0].address);
        await time.increase(ADMIN_DELAY + 1n);
      },
      act: (w, who) => w.membership.connect(who).acceptDefaultAdminTransfer(),
      suspended: formerAdmin,
      expected: () => everyone(err("AccessControlInvalidDefaultAdmin", SELF)),
      state: (w) => w.membership.defaultAdmin(),
    });

    it("acceptDefaultAdminTransfer: the pending admin takes over after the delay, not before", async () => {
      const w = await world();
      const successor = w.spare[0];
      await w.membership.connect(w.admin).beginDefaultAdminTransfer(successor.address);
      const [, schedule] = await w.membership.pendingDefaultAdmin();
      await expectRevert(w.membership.connect(successor).acceptDefaultAdminTransfer(), "AccessControlEnforcedDefaultAdminDelay", [schedule]);
      await time.increase(ADMIN_DELAY + 1n);
      await w.membership.connect(successor).acceptDefaultAdminTransfer();
      expect(await w.membership.defaultAdmin()).toBe(successor.address);
      expect(await w.membership.isGovernor(w.admin.address)).toBe(false);
    });

    authz("Membership", "renounceRole", "an account renounces only its own role", {
      act: (w, who) => w.membership.connect(who).renounceRole(OPERATOR_ROLE, w.operator.address),
      suspended: formerAdmin,
      expected: () => everyone(err("AccessControlBadConfirmation"), { operator: OK }),
      state: (w) => w.membership.isOperator(w.operator.address),
      after: async (w) => expect(await w.membership.isOperator(w.operator.address)).toBe(false),
    });

    it("the default admin role moves only by the two-step handover, never by grantRole/revokeRole", async () => {
      const w = await world();
      await expectRevert(w.membership.connect(w.admin).grantRole(DEFAULT_ADMIN_ROLE, w.operator.address), "AccessControlEnforcedDefaultAdminRules", []);
      await expectRevert(w.membership.connect(w.admin).revokeRole(DEFAULT_ADMIN_ROLE, w.admin.address), "AccessControlEnforcedDefaultAdminRules", []);
      // the operator cannot escalate itself either
      await expectRevert(w.membership.connect(w.operator).grantRole(OPERATOR_ROLE, w.relayer.address), "AccessControlUnauthorizedAccount", [w.operator.address, DEFAULT_ADMIN_ROLE]);
      expect(await w.membership.defaultAdmin()).toBe(w.admin.address);
      expect(await w.membership.isOperator(w.relayer.address)).toBe(false);
    });
  });
});

// ═══ SettlementToken ════════════════════════════════════════════════════

describe("SettlementToken", () => {
  const AMOUNT = 1_000n * YUAN;

  authz("SettlementToken", "mint", "active settlement issuer only", {
    act: (w, who) => w.token.connect(who).mint(w.supplierC.address, AMOUNT, nextOp()),
    suspended: "issuer",
    expected: () => roleGate(ISSUER, { issuer: OK }),
    state: async (w) => [await w.token.totalSupply(), await w.token.balanceOf(w.supplierC.address)],
    after: async (w, _c, _who, [supply, balance]) => {
      expect(await w.token.totalSupply()).toBe(supply + AMOUNT);
      expect(await w.token.balanceOf(w.supplierC.address)).toBe(balance + AMOUNT);
    },
  });

  authz("SettlementToken", "mint", "only to active members (recipient under test)", {
    act: (w, who) => w.token.connect(w.issuer).mint(who.address, AMOUNT, nextOp()),
    suspended: "supplierB",
    expected: () => everyone(OK, { operator: notEligible, admin: notEligible, relayer: notEligible, outsider: notEligible, suspended: notEligible }),
    state: (w) => w.token.totalSupply(),
  });

  authz("SettlementToken", "burn", "active settlement issuer only, even where the holder approved the caller", {
    setup: async (w) => {
      for (const p of PARTIES) await w.token.connect(w.supplierA).approve(w[p].address, AMOUNT);
    },
    act: (w, who) => w.token.connect(who).burn(w.supplierA.address, AMOUNT, nextOp()),
    suspended: "issuer",
    expected: () => roleGate(ISSUER, { issuer: OK }),
    state: async (w) => [await w.token.totalSupply(), await w.token.balanceOf(w.supplierA.address)],
    after: async (w, _c, _who, [supply, balance]) => {
      expect(await w.token.totalSupply()).toBe(supply - AMOUNT);
      expect(await w.token.balanceOf(w.supplierA.address)).toBe(balance - AMOUNT);
    },
  });

  it("burn: the issuer cannot burn a member's tokens without that member's allowance", async () => {
    const w = await world();
    const before = await w.token.balanceOf(w.supplierA.address);
    await expectRevert(w.token.connect(w.issuer).burn(w.supplierA.address, AMOUNT, nextOp()), "ERC20InsufficientAllowance", [w.issuer.address, 0n, AMOUNT]);
    expect(await w.token.balanceOf(w.supplierA.address)).toBe(before);
  });

  const clearingHouseState = async (w: World) => [await w.token.clearingHouse(), [...(await w.token.pendingClearingHouse())]];

  authz("SettlementToken", "setClearingHouse", "membership default admin only (not the operator); a change is scheduled, not immediate", {
    act: (w, who) => w.token.connect(who).setClearingHouse(w.spare[0].address),
    suspended: formerAdmin,
    expected: () => everyone(err("SettlementUnauthorizedGovernor", SELF), { admin: OK }),
    state: clearingHouseState,
    after: async (w, _c, _who, [current]) => {
      expect(await w.token.clearingHouse()).toBe(current);
      expect((await w.token.pendingClearingHouse())[0]).toBe(w.spare[0].address);
    },
  });

  const issuerCapOf = async (w: World) => [...(await w.token.issuerCap(orgId("issuer")))];

  authz("SettlementToken", "setIssuerCap", "membership default admin only (not the operator)", {
    act: (w, who) => w.token.connect(who).setIssuerCap(orgId("issuer"), 1n),
    suspended: formerAdmin,
    expected: () => everyone(err("SettlementUnauthorizedGovernor", SELF), { admin: OK }),
    state: issuerCapOf,
    after: async (w) => expect((await w.token.issuerCap(orgId("issuer")))[0]).toBe(1n),
  });

  authz("SettlementToken", "applyIssuerCap", "anyone, once the scheduled raise is due", {
    setup: async (w) => {
      await w.token.connect(w.admin).setIssuerCap(orgId("issuer"), 10n ** 16n);
      await time.increase(2n * DAY);
    },
    act: (w, who) => w.token.connect(who).applyIssuerCap(orgId("issuer")),
    suspended: "supplierA",
    expected: () => everyone(OK),
    after: async (w) => expect((await w.token.issuerCap(orgId("issuer")))[0]).toBe(10n ** 16n),
  });

  authz("SettlementToken", "applyClearingHouse", "anyone, once the scheduled change is due", {
    setup: async (w) => {
      await w.token.connect(w.admin).setClearingHouse(w.spare[0].address);
      await time.increase(2n * DAY);
    },
    act: (w, who) => w.token.connect(who).applyClearingHouse(),
    suspended: "supplierA",
    expected: () => everyone(OK),
    after: async (w) => expect(await w.token.clearingHouse()).toBe(w.spare[0].address),
  });

  describe("transfers: only between active members and the clearing house", () => {
    const senderTable = () =>
      everyone(OK, { operator: notEligible, admin: notEligible, relayer: notEligible, outsider: notEligible, suspended: notEligible });

    authz("SettlementToken", "transfer", "sender under test", {
      setup: async (w) => {
        for (const p of [w.auditor, w.issuer]) await w.token.connect(w.issuer).mint(p.address, AMOUNT, nextOp());
      },
      act: (w, who) => w.token.connect(who).transfer(w.supplierC.address, AMOUNT),
      suspended: "supplierA",
      expected: senderTable,
      state: (w, _c, who) => balances(w, [who.address, w.supplierC.address]),
      after: async (w, _c, who, [from, to]) => expect(await balances(w, [who.address, w.supplierC.address])).toEqual([from - AMOUNT, to + AMOUNT]),
    });

    authz("SettlementToken", "transfer", "recipient under test", {
      act: (w, who) => w.token.connect(w.supplierA).transfer(who.address, AMOUNT),
      suspended: "supplierB",
      expected: senderTable,
      state: (w, _c, who) => balances(w, [w.supplierA.address, who.address]),
    });

    authz("SettlementToken", "transferFrom", "owner under test (bankA spends its allowance)", {
      setup: async (w) => {
        for (const p of [w.auditor, w.issuer]) await w.token.connect(w.issuer).mint(p.address, AMOUNT, nextOp());
        for (const p of PARTIES) await w.token.connect(w[p]).approve(w.bankA.address, AMOUNT);
      },
      act: (w, who) => w.token.connect(w.bankA).transferFrom(who.address, w.supplierC.address, AMOUNT),
      suspended: "supplierA",
      expected: senderTable,
      state: (w, _c, who) => Promise.all([balances(w, [who.address, w.supplierC.address]), w.token.allowance(who.address, w.bankA.address)]),
      after: async (w, _c, who, [[from, to]]) => expect(await balances(w, [who.address, w.supplierC.address])).toEqual([from - AMOUNT, to + AMOUNT]),
    });

    authz("SettlementToken", "transferFrom", "recipient under test", {
      setup: async (w) => {
        await w.token.connect(w.supplierA).approve(w.bankA.address, AMOUNT);
      },
      act: (w, who) => w.token.connect(w.bankA).transferFrom(w.supplierA.address, who.address, AMOUNT),
      suspended: "supplierB",
      expected: senderTable,
      state: (w, _c, who) => Promise.all([balances(w, [w.supplierA.address, who.address]), w.token.allowance(w.supplierA.address, w.bankA.address)]),
    });

    authz("SettlementToken", "approve", "an account sets only its own allowances (approving moves nothing)", {
      act: (w, who) => w.token.connect(who).approve(w.supplierC.address, AMOUNT),
      suspended: "supplierB",
      expected: () => everyone(OK),
      after: async (w, _c, who) => {
        expect(await w.token.allowance(who.address, w.supplierC.address)).toBe(AMOUNT);
        if (!same(who.address, w.supplierA.address)) expect(await w.token.allowance(w.supplierA.address, w.supplierC.address)).toBe(0n);
        // an allowance of an ineligible account does not let its tokens move
        if (!(await w.membership.isActive(who.address))) {
          await expectRevert(w.token.connect(w.supplierC).transferFrom(who.address, w.supplierC.address, 1n), "SettlementAccountNotEligible", [who.address]);
        }
      },
    });

    it("the clearing house (the ledger) may receive tokens from members", async () => {
      const w = await world();
      const ledger = await w.ledger.getAddress();
      await w.token.connect(w.supplierA).transfer(ledger, AMOUNT);
      expect(await w.token.balanceOf(ledger)).toBe(AMOUNT);
    });

    it("an account removed from its organization keeps its balance but cannot move it", async () => {
      const w = await world();
      const balance = await w.token.balanceOf(w.supplierC.address);
      await w.token.connect(w.supplierC).approve(w.bankA.address, AMOUNT);
      await w.membership.connect(w.operator).removeAccount(w.supplierC.address, nextOp());
      await expectRevert(w.token.connect(w.supplierC).transfer(w.supplierA.address, 1n), "SettlementAccountNotEligible", [w.supplierC.address]);
      await expectRevert(w.token.connect(w.bankA).transferFrom(w.supplierC.address, w.bankA.address, 1n), "SettlementAccountNotEligible", [w.supplierC.address]);
      expect(await w.token.balanceOf(w.supplierC.address)).toBe(balance);
    });
  });
});

// ═══ ReceivableLedger ═══════════════════════════════════════════════════

describe("ReceivableLedger", () => {
  describe("creation", () => {
    authz("ReceivableLedger", "register", "active supplier only", {
      act: async (w, who) => w.ledger.connect(who).register(...(await attested(w.ledger, who, false, [await input({ counterparty: w.core1.address })])), nextOp()),
      suspended: "supplierA",
      expected: () => roleGate(SUPPLIER, { supplierA: OK, supplierB: OK }),
      state: (w) => w.ledger.lastReceivableId(),
      after: async (w, _c, who, last) => {
        const r = await w.ledger.receivable(last + 1n);
        expect([r.creditor, r.obligor, r.status]).toEqual([who.address, w.core1.address, BigInt(Status.Pending)]);
      },
    });

    authz("ReceivableLedger", "register", "only against an active core enterprise (obligor under test)", {
      act: async (w, who) => w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, [await input({ counterparty: who.address })])), nextOp()),
      suspended: "core1",
      expected: () => roleGate(CORE, { core1: OK, core2: OK }),
      state: (w) => w.ledger.lastReceivableId(),
    });

    authz("ReceivableLedger", "issue", "active core enterprise only", {
      act: async (w, who) => w.ledger.connect(who).issue(...(await attested(w.ledger, who, true, [await input({ counterparty: w.supplierA.address })])), nextOp()),
      suspended: "core1",
      expected: () => roleGate(CORE, { core1: OK, core2: OK }),
      state: (w) => w.ledger.lastReceivableId(),
      after: async (w, _c, who, last) => {
        const r = await w.ledger.receivable(last + 1n);
        // offered to its creditor, which holds it only once it accepts (签收)
        expect([r.obligor, r.creditor, r.status]).toEqual([who.address, w.supplierA.address, BigInt(Status.Offered)]);
        expect((await w.ledger.offerOf(last + 1n)).to).toBe(w.supplierA.address);
      },
    });

    authz("ReceivableLedger", "issue", "only to an active supplier (creditor under test)", {
      act: async (w, who) => w.ledger.connect(w.core1).issue(...(await attested(w.ledger, w.core1, true, [await input({ counterparty: who.address })])), nextOp()),
      suspended: "supplierA",
      expected: () => roleGate(SUPPLIER, { supplierA: OK, supplierB: OK }),
      state: (w) => w.ledger.lastReceivableId(),
    });
  });

  describe("confirmation: the obligor of every id, and nobody else", () => {
    const pending = async (w: World) => ({ id: (await register(w, w.supplierA, w.core1.address))[0] });
    const obligorOnly = ({ id }: { id: bigint }): Table => roleGate(CORE, { core1: OK, core2: err("ReceivableNotObligor", id, SELF) });

    authz("ReceivableLedger", "confirm", "obligor only", {
      setup: pending,
      act: async (w, who, { id }) => w.ledger.connect(who).confirm(await confirmItems(w.ledger, [id]), nextOp()),
      suspended: "core1",
      expected: obligorOnly,
      state: (w, { id }) => statusOf(w, id),
      after: async (w, { id }) => expect(await statusOf(w, id)).toBe(BigInt(Status.Confirmed)),
    });

    authz("ReceivableLedger", "reject", "obligor only", {
      setup: pending,
      act: (w, who, { id }) => w.ledger.connect(who).reject([id], REASON, nextOp()),
      suspended: "core1",
      expected: obligorOnly,
      state: (w, { id }) => statusOf(w, id),
      after: async (w, { id }) => expect(await statusOf(w, id)).toBe(BigInt(Status.Rejected)),
    });

    it("confirm / reject: a batch with one id of another obligor is rejected as a whole", async () => {
      const w = await world();
      const [own] = await register(w, w.supplierA, w.core1.address);
      const [foreign] = await register(w, w.supplierA, w.core2.address);
      await expectRevert(w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, [own, foreign]), nextOp()), "ReceivableNotObligor", [foreign, w.core1.address]);
      await expectRevert(w.ledger.connect(w.core1).reject([own, foreign], REASON, nextOp()), "ReceivableNotObligor", [foreign, w.core1.address]);
      expect([await statusOf(w, own), await statusOf(w, foreign)]).toEqual([BigInt(Status.Pending), BigInt(Status.Pending)]);
    });

    authz("ReceivableLedger", "confirmBySig", "anyone may submit the obligor's signature (submitter under test)", {
      setup: async (w) => {
        const { id } = await pending(w);
        return { id, sig: await signConfirm(w, w.core1, [id]) };
      },
      act: async (w, who, { id, sig }) =>
        w.ledger.connect(who).confirmBySig(await confirmItems(w.ledger, [id]), w.core1.address, sig.nonce, sig.deadline, sig.signature, nextOp()),
      // the last row: the obligor is suspended after signing; its signature no longer confirms
      suspended: "core1",
      expected: () => everyone(OK, { suspended: inactive }),
      state: (w, { id }) => statusOf(w, id),
      after: async (w, { id, sig }) => {
        expect(await statusOf(w, id)).toBe(BigInt(Status.Confirmed));
        expect(await w.ledger.nonceUsed(w.core1.address, sig.nonce)).toBe(true);
      },
    });

    authz("ReceivableLedger", "confirmBySig", "the signer must be the obligor (signer under test, relayer submits)", {
      setup: async (w) => {
        const { id } = await pending(w);
        const sigs = new Map<string, Awaited<ReturnType<typeof signConfirm>>>();
        for (const p of PARTIES) sigs.set(w[p].address, await signConfirm(w, w[p], [id]));
        return { id, sigs };
      },
      act: async (w, who, { id, sigs }) => {
        const s = sigs.get(who.address)!;
        return w.ledger.connect(w.relayer).confirmBySig(await confirmItems(w.ledger, [id]), who.address, s.nonce, s.deadline, s.signature, nextOp());
      },
      suspended: "core1",
      expected: obligorOnly,
      state: (w, { id }) => statusOf(w, id),
    });

    authz("ReceivableLedger", "confirmBySig", "nobody can sign in the obligor's name (signer under test, claims to be core1)", {
      setup: async (w) => {
        const { id } = await pending(w);
        const nonce = nextNonce();
        const sigs = new Map<string, Awaited<ReturnType<typeof signConfirm>>>();
        for (const p of PARTIES) sigs.set(w[p].address, await signConfirm(w, w[p], [id], { nonce }));
        return { id, sigs, nonce };
      },
      act: async (w, who, { id, sigs }) => {
        const s = sigs.get(who.address)!;
        return w.ledger.connect(w.relayer).confirmBySig(await confirmItems(w.ledger, [id]), w.core1.address, s.nonce, s.deadline, s.signature, nextOp());
      },
      suspended: "core1",
      expected: (_c, w) => everyone(err("SignatureInvalid", w.core1.address), { core1: OK, suspended: err("MemberInactive", w.core1.address) }),
      state: async (w, { id, nonce }) => [await statusOf(w, id), await w.ledger.nonceUsed(w.core1.address, nonce)],
    });
  });

  describe("pre-financing lifecycle: the holder", () => {
    authz("ReceivableLedger", "cancel", "active holder only", {
      setup: async (w) => ({ id: (await register(w, w.supplierA, w.core1.address))[0] }),
      act: (w, who, { id }) => w.ledger.connect(who).cancel([id], nextOp()),
      suspended: "supplierA",
      expected: ({ id }) => ({
        operator: inactive, admin: inactive, relayer: inactive, outsider: inactive,
        core1: err("ReceivableNotHolder", id, SELF), core2: err("ReceivableNotHolder", id, SELF),
        supplierA: OK, supplierB: err("ReceivableNotHolder", id, SELF),
        bankA: err("ReceivableNotHolder", id, SELF), bankB: err("ReceivableNotHolder", id, SELF),
        auditor: err("ReceivableNotHolder", id, SELF), issuer: err("ReceivableNotHolder", id, SELF),
        suspended: inactive,
      }),
      state: (w, { id }) => statusOf(w, id),
      after: async (w, { id }) => expect(await statusOf(w, id)).toBe(BigInt(Status.Cancelled)),
    });

    const half = FACE / 2n;

    authz("ReceivableLedger", "split", "active holder only", {
      setup: heldCertificate,
      act: (w, who, { id }) =>
        w.ledger.connect(who).split(id, [{ to: w.supplierB.address, amount: half }, { to: w.supplierC.address, amount: half }], nextOp()),
      suspended: "supplierA",
      expected: ({ id }) => ({
        operator: inactive, admin: inactive, relayer: inactive, outsider: inactive,
        core1: err("ReceivableNotHolder", id, SELF), core2: err("ReceivableNotHolder", id, SELF),
        supplierA: OK, supplierB: err("ReceivableNotHolder", id, SELF),
        bankA: err("ReceivableNotHolder", id, SELF), bankB: err("ReceivableNotHolder", id, SELF),
        auditor: err("ReceivableNotHolder", id, SELF), issuer: err("ReceivableNotHolder", id, SELF),
        suspended: inactive,
      }),
      state: async (w, { id }) => [await statusOf(w, id), await w.ledger.lastReceivableId()],
      after: async (w, { id }, _who, [, last]) => {
        expect(await statusOf(w, id)).toBe(BigInt(Status.Split));
        // both parts are for other suppliers: the splitter's, Offered, until each accepts its own
        expect([await w.ledger.ownerOf(last + 1n), await w.ledger.ownerOf(last + 2n)]).toEqual([w.supplierA.address, w.supplierA.address]);
        expect([await statusOf(w, last + 1n), await statusOf(w, last + 2n)]).toEqual([BigInt(Status.Offered), BigInt(Status.Offered)]);
        expect([(await w.ledger.offerOf(last + 1n)).to, (await w.ledger.offerOf(last + 2n)).to]).toEqual([w.supplierB.address, w.supplierC.address]);
      },
    });

    authz("ReceivableLedger", "split", "parts only to active suppliers (recipient under test)", {
      setup: heldCertificate,
      act: (w, who, { id }) =>
        w.ledger.connect(w.supplierA).split(id, [{ to: who.address, amount: half }, { to: w.supplierC.address, amount: half }], nextOp()),
      suspended: "supplierB",
      expected: () => roleGate(SUPPLIER, { supplierA: OK, supplierB: OK }),
      state: async (w, { id }) => [await statusOf(w, id), await w.ledger.lastReceivableId()],
    });

    authz("ReceivableLedger", "transferCertificate", "active holder only: an offer to supplierC, which moves nothing yet", {
      setup: heldCertificate,
      act: (w, who, { id }) => w.ledger.connect(who).transferCertificate(w.supplierC.address, id, nextOp()),
      suspended: "supplierA",
      expected: ({ id }) =>
        everyone(err("ReceivableNotHolder", id, SELF), { operator: inactive, admin: inactive, relayer: inactive, outsider: inactive, supplierA: OK, suspended: inactive }),
      state: async (w, { id }) => [await w.ledger.ownerOf(id), await statusOf(w, id), [...(await w.ledger.offerOf(id))]],
      after: async (w, { id }) => {
        expect([await w.ledger.ownerOf(id), await statusOf(w, id)]).toEqual([w.supplierA.address, BigInt(Status.Offered)]);
        expect((await w.ledger.offerOf(id)).to).toBe(w.supplierC.address);
      },
    });

    authz("ReceivableLedger", "transferCertificate", "only to another active supplier (recipient under test)", {
      setup: heldCertificate,
      act: (w, who, { id }) => w.ledger.connect(w.supplierA).transferCertificate(who.address, id, nextOp()),
      suspended: "supplierB",
      expected: ({ id }) => roleGate(SUPPLIER, { supplierA: err("CertificateSelfTransfer", id), supplierB: OK }),
      state: async (w, { id }) => [await w.ledger.ownerOf(id), await statusOf(w, id), [...(await w.ledger.offerOf(id))]],
      after: async (w, { id }, who) => expect((await w.ledger.offerOf(id)).to).toBe(who.address),
    });

    // ERC-721's own ways to move or approve: refused for everyone, holder included, in every state.
    // They are `pure` now, so ethers would only eth_call them: each attempt is sent as a transaction.
    type Variant = "transferFrom" | "safeTransferFrom(address,address,uint256)" | "safeTransferFrom(address,address,uint256,bytes)" | "approve" | "setApprovalForAll";
    const sendAs = (w: World, caller: HardhatEthersSigner, variant: Variant, args: unknown[]): Tx =>
      caller.sendTransaction({ to: w.ledger.target, data: (w.ledger.interface as Interface).encodeFunctionData(variant, args) }) as Tx;
    const move = (w: World, caller: HardhatEthersSigner, variant: Variant, from: string, to: string, id: bigint) =>
      sendAs(w, caller, variant, variant.endsWith("bytes)") ? [from, to, id, "0x"] : [from, to, id]);
    const erc721State = async (w: World, { id }: { id: bigint }) => [
      await w.ledger.ownerOf(id), await statusOf(w, id), await w.ledger.balanceOf(w.supplierA.address), await w.ledger.getApproved(id),
    ];

    for (const variant of ["transferFrom", "safeTransferFrom(address,address,uint256)", "safeTransferFrom(address,address,uint256,bytes)"] as const) {
      const fn = variant.replace(/\(.*/, "");
      authz("ReceivableLedger", fn, `${variant}: nobody, not even the holder (certificates move only by offer and acceptance)`, {
        setup: heldCertificate,
        act: (w, who, { id }) => move(w, who, variant, w.supplierA.address, w.supplierC.address, id),
        suspended: "supplierA",
        expected: ({ id }) => everyone(err("CertificateMovesByOffer", id)),
        state: erc721State,
      });

      authz("ReceivableLedger", fn, `${variant}: nobody may take it to itself (recipient under test, holder sends)`, {
        setup: heldCertificate,
        act: (w, who, { id }) => move(w, w.supplierA, variant, w.supplierA.address, who.address, id),
        suspended: "supplierB",
        expected: ({ id }) => everyone(err("CertificateMovesByOffer", id)),
        state: erc721State,
      });
    }

    it("transferFrom: refused on an offered certificate too, by its sender and by its receiver", async () => {
      const w = await world();
      const { id } = await heldCertificate(w);
      await w.ledger.connect(w.supplierA).transferCertificate(w.supplierC.address, id, nextOp());
      for (const who of [w.supplierA, w.supplierC]) {
        await expectRevert(w.ledger.connect(who).transferFrom(w.supplierA.address, w.supplierC.address, id), "CertificateMovesByOffer", [id]);
      }
      expect(await w.ledger.ownerOf(id)).toBe(w.supplierA.address);
    });

    authz("ReceivableLedger", "approve", "nobody, not even the holder (no one may move a certificate for its holder)", {
      setup: heldCertificate,
      act: (w, who, { id }) => sendAs(w, who, "approve", [w.supplierC.address, id]),
      suspended: "supplierA",
      expected: ({ id }) => everyone(err("CertificateMovesByOffer", id)),
      state: erc721State,
    });

    authz("ReceivableLedger", "setApprovalForAll", "nobody names an operator for its certificates", {
      setup: heldCertificate,
      act: (w, who) => sendAs(w, who, "setApprovalForAll", [w.supplierC.address, true]),
      suspended: "supplierA",
      expected: () => everyone(err("CertificateMovesByOffer", 0n)),
      state: (w, _c, who) => w.ledger.isApprovedForAll(who.address, w.supplierC.address),
    });
  });

  describe("acceptance (签收 / 拒签): the receiver, the sender, anyone after expiry", () => {
    /** core1 issued a certificate to supplierB: Offered, waiting for supplierB. */
    const issuedToB = async (w: World) => {
      const [id] = await issue(w, w.core1, w.supplierB.address);
      return { id, expires: (await w.ledger.offerOf(id)).expires };
    };
    /** supplierA offered its Confirmed certificate to supplierC. */
    const offeredToC = async (w: World) => {
      const { id } = await heldCertificate(w);
      await w.ledger.connect(w.supplierA).transferCertificate(w.supplierC.address, id, nextOp());
      return { id, expires: (await w.ledger.offerOf(id)).expires };
    };
    const offerState = async (w: World, { id }: { id: bigint }) => [
      await statusOf(w, id), await w.ledger.ownerOf(id), [...(await w.ledger.offerOf(id))],
      await w.ledger.balanceOf(w.supplierA.address), await w.ledger.balanceOf(w.supplierC.address),
    ];

    authz("ReceivableLedger", "accept", "an issued certificate: only the active supplier it waits for (supplierB)", {
      setup: issuedToB,
      act: (w, who, { id }) => w.ledger.connect(who).accept([id], nextOp()),
      suspended: "supplierB",
      expected: ({ id }) => roleGate(SUPPLIER, { supplierA: err("OfferNotReceiver", id, SELF), supplierB: OK }),
      state: offerState,
      after: async (w, { id }) => {
        expect([await statusOf(w, id), await w.ledger.ownerOf(id)]).toEqual([BigInt(Status.Confirmed), w.supplierB.address]);
        expect((await w.ledger.offerOf(id)).to).toBe(ZeroAddress);
      },
    });

    authz("ReceivableLedger", "accept", "a transfer: only the active supplier it is offered to (supplierC, not in the table)", {
      setup: offeredToC,
      act: (w, who, { id }) => w.ledger.connect(who).accept([id], nextOp()),
      suspended: "supplierA",
      // the sender cannot accept its own offer either
      expected: ({ id }) => roleGate(SUPPLIER, { supplierA: err("OfferNotReceiver", id, SELF), supplierB: err("OfferNotReceiver", id, SELF) }),
      state: offerState,
    });

    it("accept: supplierC takes the offered certificate; not once its sender is suspended", async () => {
      const w = await world();
      const { id } = await offeredToC(w);
      const snapshot = await takeSnapshot();
      await w.membership.connect(w.operator).suspend(orgId("supplierA"), REASON, nextOp());
      await expectRevert(w.ledger.connect(w.supplierC).accept([id], nextOp()), "MemberInactive", [w.supplierA.address]);
      await snapshot.restore();
      await w.ledger.connect(w.supplierC).accept([id], nextOp());
      expect([await statusOf(w, id), await w.ledger.ownerOf(id)]).toEqual([BigInt(Status.Confirmed), w.supplierC.address]);
    });

    authz("ReceivableLedger", "returnOffers", "an issued certificate before expiry: the active receiver refuses, the active obligor withdraws", {
      setup: issuedToB,
      act: (w, who, { id }) => w.ledger.connect(who).returnOffers([id], REASON, nextOp()),
      suspended: "supplierB",
      expected: ({ id, expires }) =>
        everyone(err("OfferNotReturnable", id, expires), { supplierB: OK, core1: OK, suspended: inactive }),
      state: offerState,
      after: async (w, { id }) => {
        expect([await statusOf(w, id), await w.ledger.ownerOf(id)]).toEqual([BigInt(Status.Void), w.supplierB.address]);
        expect((await w.ledger.offerOf(id)).to).toBe(ZeroAddress);
      },
    });

    authz("ReceivableLedger", "returnOffers", "an issued certificate: its obligor withdraws only while active", {
      setup: issuedToB,
      act: (w, who, { id }) => w.ledger.connect(who).returnOffers([id], REASON, nextOp()),
      suspended: "core1",
      expected: ({ id, expires }) => everyone(err("OfferNotReturnable", id, expires), { supplierB: OK, core1: OK, suspended: inactive }),
      state: offerState,
    });

    authz("ReceivableLedger", "returnOffers", "a transfer before expiry: the active receiver (supplierC) refuses, the active holder withdraws", {
      setup: offeredToC,
      act: (w, who, { id }) => w.ledger.connect(who).returnOffers([id], REASON, nextOp()),
      suspended: "supplierA",
      // the obligor has no say in a transfer
      expected: ({ id, expires }) => everyone(err("OfferNotReturnable", id, expires), { supplierA: OK, suspended: inactive }),
      state: offerState,
      after: async (w, { id }) => {
        expect([await statusOf(w, id), await w.ledger.ownerOf(id)]).toEqual([BigInt(Status.Confirmed), w.supplierA.address]);
        expect((await w.ledger.offerOf(id)).to).toBe(ZeroAddress);
      },
    });

    authz("ReceivableLedger", "returnOffers", "after the acceptance period: anyone, member or not (the keeper)", {
      setup: async (w) => {
        const ctx = await issuedToB(w);
        await time.increaseTo(ctx.expires);
        return ctx;
      },
      act: (w, who, { id }) => w.ledger.connect(who).returnOffers([id], ZeroHash, nextOp()),
      suspended: "core2",
      expected: () => everyone(OK),
      state: offerState,
      after: async (w, { id }) => expect(await statusOf(w, id)).toBe(BigInt(Status.Void)),
    });
  });

  describe("financing", () => {
    const LIMIT = 5_000_000n * YUAN;

    authz("ReceivableLedger", "setCreditLine", "active bank only, for its own line", {
      act: (w, who) => w.ledger.connect(who).setCreditLine(w.core1.address, LIMIT, nextOp()),
      suspended: "bankA",
      expected: () => roleGate(BANK, { bankA: OK, bankB: OK }),
      state: async (w, _c, who) => Promise.all([w.bankA, w.bankB, who].map(async (b) => (await w.ledger.creditLine(b.address, w.core1.address)).limit)),
      after: async (w, _c, who, [limitA, limitB]) => {
        expect((await w.ledger.creditLine(who.address, w.core1.address)).limit).toBe(LIMIT);
        const other = same(who.address, w.bankA.address) ? w.bankB : w.bankA;
        expect((await w.ledger.creditLine(other.address, w.core1.address)).limit).toBe(other === w.bankA ? limitA : limitB);
      },
    });

    authz("ReceivableLedger", "setCreditLine", "only for an active core enterprise (obligor under test)", {
      act: (w, who) => w.ledger.connect(w.bankA).setCreditLine(who.address, LIMIT, nextOp()),
      suspended: "core1",
      expected: () => roleGate(CORE, { core1: OK, core2: OK }),
      state: async (w, _c, who) => (await w.ledger.creditLine(w.bankA.address, who.address)).limit,
    });

    const financeState = async (w: World, { id, terms }: { id: bigint; terms: { nonce: bigint } }) => [
      await statusOf(w, id),
      (await w.ledger.lienOf(id)).bank,
      await balances(w, [w.bankA.address, w.bankB.address, w.supplierA.address]),
      (await w.ledger.creditLine(w.bankA.address, w.core1.address)).used,
      (await w.ledger.creditLine(w.bankB.address, w.core1.address)).used,
      await w.ledger.nonceUsed(w.supplierA.address, terms.nonce),
    ];

    authz("ReceivableLedger", "finance", "only the bank named in the holder-signed terms (bankA)", {
      setup: async (w) => {
        const id = await confirmed(w);
        const { terms, signature } = await signTerms(w, w.supplierA, { receivableId: id, bank: w.bankA.address });
        return { id, terms, signature };
      },
      act: (w, who, { terms, signature }) => w.ledger.connect(who).finance([terms], [signature], nextOp()),
      suspended: "bankA",
      expected: ({ id }, w) => roleGate(BANK, { bankA: OK, bankB: err("FinancingNotBank", id, w.bankA.address, SELF) }),
      state: financeState,
      after: async (w, { id }, _who, [, , [bankA, bankB, supplierA], used]) => {
        expect(await statusOf(w, id)).toBe(BigInt(Status.Financed));
        expect((await w.ledger.lienOf(id)).bank).toBe(w.bankA.address);
        expect(await balances(w, [w.bankA.address, w.bankB.address, w.supplierA.address])).toEqual([bankA - ADVANCE, bankB, supplierA + ADVANCE]);
        expect((await w.ledger.creditLine(w.bankA.address, w.core1.address)).used).toBe(used + DUE);
      },
    });

    authz("ReceivableLedger", "finance", "the terms must be signed by the holder (signer under test, bankA submits)", {
      setup: async (w) => {
        const id = await confirmed(w);
        const nonce = nextNonce();
        const signed = new Map<string, Awaited<ReturnType<typeof signTerms>>>();
        for (const p of PARTIES) signed.set(w[p].address, await signTerms(w, w[p], { receivableId: id, bank: w.bankA.address, nonce }));
        return { id, signed, terms: { nonce } };
      },
      act: (w, who, { signed }) => {
        const { terms, signature } = signed.get(who.address)!;
        return w.ledger.connect(w.bankA).finance([terms], [signature], nextOp());
      },
      suspended: "supplierA",
      // another's signature is not the holder's: the bank's batch skips it (the rest would be funded)
      expected: () => everyone(skip("SignatureInvalid"), { supplierA: OK, suspended: skip("MemberInactive") }),
      state: financeState,
    });

    it("finance: after a transfer, the former holder's signed terms are void", async () => {
      const w = await world();
      const id = await confirmed(w);
      const { terms, signature } = await signTerms(w, w.supplierA, { receivableId: id, bank: w.bankA.address });
      await transferred(w, w.supplierA, w.supplierB, id);
      const before = await balances(w, [w.bankA.address, w.supplierA.address, w.supplierB.address]);
      await expectSkipped(w, w.ledger.connect(w.bankA).finance([terms], [signature], nextOp()), [[id, "SignatureInvalid"]]);
      expect(await statusOf(w, id)).toBe(BigInt(Status.Confirmed));
      expect(await balances(w, [w.bankA.address, w.supplierA.address, w.supplierB.address])).toEqual(before);
    });
  });

  describe("documents: the obligor, and for a certificate its holder", () => {
    const FP = fingerprint("certificate under test");
    /** Members that are no party to the certificate get DocumentNotParty; callers that are not active members MemberInactive. */
    const parties = (id: bigint, except: Partial<Table>): Table =>
      everyone(err("DocumentNotParty", id, SELF), { ...Object.fromEntries(NON_MEMBERS.map((c) => [c, inactive])), ...except });
    const recordAs = (kind: number) => (w: World, who: HardhatEthersSigner, { id }: { id: bigint }) =>
      w.ledger.connect(who).recordDocuments([{ id, kind, fingerprint: FP }], nextOp());
    /** The recording is its event, by the caller, in the latest block. */
    const recorded = (kind: number) => async (w: World, { id }: { id: bigint }, who: HardhatEthersSigner) => {
      const block = await hre.ethers.provider.getBlockNumber();
      const events = await w.ledger.queryFilter(w.ledger.filters.DocumentRecorded(id, FP, who.address), block, block);
      expect(events.map((e) => e.args.kind)).toEqual([BigInt(kind)]);
    };

    authz("ReceivableLedger", "recordDocuments", "a certificate (kind 1): its active obligor or holder", {
      setup: heldCertificate,
      act: recordAs(1),
      suspended: "supplierA",
      expected: ({ id }) => parties(id, { core1: OK, supplierA: OK }),
      after: recorded(1),
    });

    authz("ReceivableLedger", "recordDocuments", "a certificate transferred to supplierB: its obligor or new holder, not the former one", {
      setup: async (w) => {
        const { id } = await heldCertificate(w);
        await transferred(w, w.supplierA, w.supplierB, id);
        return { id };
      },
      act: recordAs(1),
      suspended: "supplierB",
      expected: ({ id }) => parties(id, { core1: OK, supplierB: OK }),
      after: recorded(1),
    });

    authz("ReceivableLedger", "recordDocuments", "a notice of assignment (kind 2): its active obligor only", {
      setup: async (w) => {
        const { id } = await heldCertificate(w);
        await financed(w, id);
        return { id };
      },
      act: recordAs(2),
      suspended: "core1",
      expected: ({ id }) => parties(id, { core1: OK }),
      after: recorded(2),
    });
  });

  describe("clearing", () => {
    authz("ReceivableLedger", "settle", "anyone after maturity, paying exactly obligor → bank (due) and holder (rest)", {
      setup: async (w) => {
        const id = await confirmed(w);
        await financed(w, id);
        await time.increaseTo(await maturityOf(w, id));
        return { id, ledger: await w.ledger.getAddress() };
      },
      act: (w, who, { id }) => w.ledger.connect(who).settle([id], nextOp()),
      suspended: "supplierB", // no role is needed, so a suspended member may run the keeper too
      expected: () => everyone(OK),
      state: async (w, { ledger }, who) => balances(w, [w.core1.address, w.bankA.address, w.supplierA.address, ledger, who.address]),
      after: async (w, { id, ledger }, who, [core1, bankA, supplierA, held, caller]) => {
        const [core1After, bankAAfter, supplierAAfter, heldAfter, callerAfter] =
          await balances(w, [w.core1.address, w.bankA.address, w.supplierA.address, ledger, who.address]);
        expect(core1After).toBe(core1 - FACE);
        expect(bankAAfter).toBe(bankA + DUE);
        expect(supplierAAfter).toBe(supplierA + (FACE - DUE));
        expect(heldAfter).toBe(held);
        if (![w.core1, w.bankA, w.supplierA].some((p) => same(p.address, who.address))) expect(callerAfter).toBe(caller);
        expect(await statusOf(w, id)).toBe(BigInt(Status.Settled));
        expect((await w.ledger.lienOf(id)).bank).toBe(ZeroAddress);
        expect((await w.ledger.creditLine(w.bankA.address, w.core1.address)).used).toBe(0n);
      },
    });

    authz("ReceivableLedger", "settle", "nobody before maturity", {
      setup: async (w) => {
        const id = await confirmed(w);
        await financed(w, id);
        return { id, maturity: await maturityOf(w, id) };
      },
      act: (w, who, { id }) => w.ledger.connect(who).settle([id], nextOp()),
      suspended: "supplierB",
      expected: ({ id, maturity }) => everyone(err("ClearingNotMatured", id, maturity)),
      state: async (w, { id }) => [await statusOf(w, id), await balances(w, [w.core1.address, w.bankA.address, w.supplierA.address])],
    });

    const defaultState = async (w: World, { id }: { id: bigint }) => [
      await statusOf(w, id),
      (await w.ledger.creditLine(w.bankA.address, w.core1.address)).used,
    ];

    authz("ReceivableLedger", "declareDefault", "financed: the active financing bank only", {
      setup: (w) => overdue(w),
      act: (w, who, { id }) => w.ledger.connect(who).declareDefault([id], nextOp()),
      suspended: "bankA",
      expected: ({ id }) =>
        everyone(err("ClearingNotCreditor", id, SELF), {
          bankA: OK, suspended: inactive, operator: inactive, admin: inactive, relayer: inactive, outsider: inactive,
        }),
      state: defaultState,
      after: async (w, { id }) => expect(await statusOf(w, id)).toBe(BigInt(Status.Defaulted)),
    });

    authz("ReceivableLedger", "declareDefault", "unfinanced: the active holder only", {
      setup: (w) => overdue(w, { unfinanced: true }),
      act: (w, who, { id }) => w.ledger.connect(who).declareDefault([id], nextOp()),
      suspended: "supplierA",
      expected: ({ id }) =>
        everyone(err("ClearingNotCreditor", id, SELF), {
          supplierA: OK, suspended: inactive, operator: inactive, admin: inactive, relayer: inactive, outsider: inactive,
        }),
      state: defaultState,
      after: async (w, { id }) => expect(await statusOf(w, id)).toBe(BigInt(Status.Defaulted)),
    });

    authz("ReceivableLedger", "claimRecourse", "the active financing bank only", {
      setup: async (w) => {
        const { id } = await overdue(w);
        await w.ledger.connect(w.bankA).declareDefault([id], nextOp());
        return { id };
      },
      act: (w, who, { id }) => w.ledger.connect(who).claimRecourse([id], nextOp()),
      suspended: "bankA",
      expected: ({ id }) => roleGate(BANK, { bankA: OK, bankB: err("ClearingNotCreditor", id, SELF) }),
      state: async (w, { id }) => [await balances(w, [w.bankA.address, w.bankB.address, w.supplierA.address]), (await w.ledger.repaymentOf(id)).recovered],
      after: async (w, { id }, _who, [[bankA, bankB, supplierA]]) => {
        expect(await balances(w, [w.bankA.address, w.bankB.address, w.supplierA.address])).toEqual([bankA + DUE, bankB, supplierA - DUE]);
        expect((await w.ledger.repaymentOf(id)).recovered).toBe(DUE);
      },
    });

    authz("ReceivableLedger", "withdrawHeldPayouts", "only the (again active) account the payout is held for", {
      setup: async (w) => {
        await payoutHeldForSupplierA(w);
        expect(await w.ledger.heldPayouts(w.supplierA.address)).toBe(FACE);
        return { ledger: await w.ledger.getAddress() };
      },
      act: (w, who) => w.ledger.connect(who).withdrawHeldPayouts(),
      suspended: "supplierA",
      expected: () => everyone(err("ClearingNothingHeld", SELF), { supplierA: OK, suspended: inactive }),
      state: async (w, { ledger }, who) => [await w.ledger.heldPayouts(w.supplierA.address), await balances(w, [ledger, w.supplierA.address, who.address])],
      after: async (w, { ledger }, _who, [, [held, supplierA]]) => {
        expect(await w.ledger.heldPayouts(w.supplierA.address)).toBe(0n);
        expect(await balances(w, [ledger, w.supplierA.address])).toEqual([held - FACE, supplierA + FACE]);
      },
    });
  });

  describe("held payouts of a removed account", () => {
    authz("ReceivableLedger", "withdrawHeldPayoutsOf", "only an active account of the organization the account was removed from", {
      setup: async (w) => {
        await payoutHeldForSupplierA(w);
        await w.membership.connect(w.operator).removeAccount(w.supplierA.address, nextOp());
      },
      act: (w, who) => w.ledger.connect(who).withdrawHeldPayoutsOf(w.supplierA.address),
      suspended: "supplierB",
      // the organization's new account (none in this table) would succeed: see clearing.test.ts
      expected: (_c, w) =>
        everyone(err("ClearingNotSameOrganization", w.supplierA.address, SELF), {
          ...Object.fromEntries(NON_MEMBERS.map((c) => [c, inactive])),
          supplierA: inactive,
        }),
      state: (w) => w.ledger.heldPayouts(w.supplierA.address),
    });
  });

  describe("signed intents", () => {
    authz("ReceivableLedger", "invalidateNonces", "anyone, for its own nonces only", {
      setup: async (w) => {
        const [id] = await register(w, w.supplierA, w.core1.address);
        return { id, sig: await signConfirm(w, w.core1, [id]) };
      },
      act: (w, who, { sig }) => w.ledger.connect(who).invalidateNonces(sig.nonce >> 8n, 1n << (sig.nonce & 255n)),
      suspended: "core1", // revoking one's own signatures is always allowed, suspended or not
      expected: () => everyone(OK),
      after: async (w, { id, sig }, who) => {
        expect(await w.ledger.nonceUsed(who.address, sig.nonce)).toBe(true);
        // a function, not a promise: the transaction must not be sent before the reads below
        const submit = async () =>
          w.ledger.connect(w.relayer).confirmBySig(await confirmItems(w.ledger, [id]), w.core1.address, sig.nonce, sig.deadline, sig.signature, nextOp());
        if (same(who.address, w.core1.address)) {
          await expectRevert(submit(), "SignatureNonceUsed", [w.core1.address, sig.nonce]);
        } else {
          // someone else's invalidation leaves core1's signature usable
          expect(await w.ledger.nonceUsed(w.core1.address, sig.nonce)).toBe(false);
          await (await submit()).wait();
          expect(await statusOf(w, id)).toBe(BigInt(Status.Confirmed));
        }
      },
    });
  });

  describe("policy: operator only", () => {
    const NEW_PARAMS = { ...DEFAULT_PARAMS, maxTier: 2 };
    const paramsOf = async (w: World) => [...(await w.ledger.params())];

    authz("ReceivableLedger", "setParams", "operator only", {
      act: (w, who) => w.ledger.connect(who).setParams(NEW_PARAMS),
      suspended: revokedOperator,
      expected: () => everyone(notOperator, { operator: OK }),
      state: paramsOf,
      after: async (w) => expect((await w.ledger.params()).maxTier).toBe(2n),
    });

    authz("ReceivableLedger", "pause", "operator only", {
      act: (w, who) => w.ledger.connect(who).pause(),
      suspended: revokedOperator,
      expected: () => everyone(notOperator, { operator: OK }),
      state: (w) => w.ledger.paused(),
      after: async (w) => expect(await w.ledger.paused()).toBe(true),
    });

    authz("ReceivableLedger", "extendPause", "membership default admin only (not the operator)", {
      setup: async (w) => {
        await w.ledger.connect(w.operator).pause();
        return (await time.latest()) + Number(30n * DAY);
      },
      act: (w, who, until) => w.ledger.connect(who).extendPause(until),
      suspended: formerAdmin,
      expected: () => everyone(err("LedgerUnauthorizedGovernor", SELF), { admin: OK }),
      state: (w) => w.ledger.pauseEnds(),
      after: async (w, until) => expect(await w.ledger.pauseEnds()).toBe(BigInt(until)),
    });

    authz("ReceivableLedger", "resumeObligor", "membership default admin only (not the operator), with a reason", {
      // core1's certificate went Overdue: core1 may neither issue nor confirm
      setup: async (w) => {
        await overdue(w);
        expect(await w.ledger.delinquenciesOf(w.core1.address)).toBe(1n);
      },
      act: (w, who) => w.ledger.connect(who).resumeObligor(w.core1.address, REASON),
      suspended: formerAdmin,
      expected: () => everyone(err("LedgerUnauthorizedGovernor", SELF), { admin: OK }),
      state: (w) => w.ledger.delinquenciesOf(w.core1.address),
      after: async (w) => expect(await w.ledger.delinquenciesOf(w.core1.address)).toBe(0n),
    });

    it("resumeObligor: governance must give a reason", async () => {
      const w = await world();
      await overdue(w);
      await expectRevert(w.ledger.connect(w.admin).resumeObligor(w.core1.address, ZeroHash), "LedgerReasonRequired", []);
      expect(await w.ledger.delinquenciesOf(w.core1.address)).toBe(1n);
    });

    authz("ReceivableLedger", "unpause", "operator only", {
      setup: async (w) => {
        await w.ledger.connect(w.operator).pause();
      },
      act: (w, who) => w.ledger.connect(who).unpause(),
      suspended: revokedOperator,
      expected: () => everyone(notOperator, { operator: OK }),
      state: (w) => w.ledger.paused(),
      after: async (w) => expect(await w.ledger.paused()).toBe(false),
    });
  });
});

// ═══ Completeness ═══════════════════════════════════════════════════════

type AbiFunction = { type: string; name: string; stateMutability: string };
/**
 * ERC-721's functions that change state in the standard: the ledger overrides them as `pure`
 * functions that always refuse, and each still needs its row proving that it refuses everyone.
 */
const ERC721_MOVERS = new Set(
  (hre.artifacts.readArtifactSync("IERC721").abi as AbiFunction[]).filter((f) => f.type === "function" && f.stateMutability !== "view").map((f) => f.name),
);

describe("authorization matrix", () => {
  it("covers every state-changing function of every contract (and ERC-721's movers the ledger refuses)", () => {
    for (const name of Object.keys(covered) as ContractName[]) {
      const abi = hre.artifacts.readArtifactSync(name).abi as AbiFunction[];
      const entryPoints = abi.filter((f) => f.type === "function" && f.stateMutability !== "view" && (f.stateMutability !== "pure" || ERC721_MOVERS.has(f.name)));
      const mutating = [...new Set(entryPoints.map((f) => f.name))];
      expect({ contract: name, functions: [...covered[name]].sort() }).toEqual({ contract: name, functions: mutating.sort() });
    }
  });
});
