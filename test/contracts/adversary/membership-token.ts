/** Adversary rows for Membership and SettlementToken. */
import { ZeroAddress, ZeroHash, id as keccakText } from "ethers";
import { nextOp, orgId, YUAN, VERIFIER } from "../fixtures";
import { MAX, type Scene } from "./scene";
import {
  err, may, refuse, every, gate, notOperator, SELF, SUPPLIER, ISSUER, type ContractRows, type Refusal,
} from "./table";

const OPERATOR_ROLE = keccakText("OPERATOR_ROLE");
const VERIFIER_ROLE = keccakText("VERIFIER_ROLE");
const ALL_ROLES = 0x1f;
const REASON = orgId("hostile");
const notAdmin = err("AccessControlUnauthorizedAccount", SELF, ZeroHash);
const m = (s: Scene, who: { address: string }) => s.w.membership.connect(who as never);
const t = (s: Scene, who: { address: string }) => s.w.token.connect(who as never);
const operatorOnly = (why: string) => every(notOperator, { operator: may(why) });
const adminOnly = (why: string) => every(notAdmin, { governance: may(why) });

export const MEMBERSHIP: ContractRows = {
  registerOrganization: {
    what: "re-registers supplierA's organization id with every role and itself as its key",
    call: (s, who) => m(s, who).registerOrganization(orgId("supplierA"), ALL_ROLES, [who.address], nextOp()),
    suspended: "susSupplier",
    kinds: operatorOnly("onboards organizations"),
    rows: [
      refuse("operator", "supplierA's organization id again", (s, o) => m(s, o).registerOrganization(orgId("supplierA"), SUPPLIER, [], nextOp()), err("MembershipOrganizationExists", orgId("supplierA"))),
      refuse("operator", "the zero organization id", (s, o) => m(s, o).registerOrganization(ZeroHash, SUPPLIER, [s.as.successor.address], nextOp()), err("MembershipOrganizationExists", ZeroHash)),
      refuse("operator", "undefined role bits", (s, o) => m(s, o).registerOrganization(orgId("newco"), 0xff, [], nextOp()), err("MembershipInvalidRoles", 0xff)),
      refuse("operator", "no role at all", (s, o) => m(s, o).registerOrganization(orgId("newco"), 0, [], nextOp()), err("MembershipInvalidRoles", 0)),
      refuse("operator", "bankA's key for a new organization", (s, o) => m(s, o).registerOrganization(orgId("newco"), SUPPLIER, [s.as.bankA.address], nextOp()), err("MembershipAccountTaken", (s: Scene) => s.as.bankA.address, orgId("bankA"))),
      refuse("operator", "address(0) as a key", (s, o) => m(s, o).registerOrganization(orgId("newco"), SUPPLIER, [ZeroAddress], nextOp()), err("MembershipUnknownAccount", ZeroAddress)),
      refuse("operator", "a new organization with its own key (it could then hold members' money)", (s, o) => m(s, o).registerOrganization(orgId("newco"), SUPPLIER, [o.address], nextOp()), err("MembershipOperatorAccount", SELF)),
    ],
  },
  setRoles: {
    what: "gives supplierB's organization every role",
    call: (s, who) => m(s, who).setRoles(orgId("supplierB"), ALL_ROLES, nextOp()),
    suspended: "susSupplier",
    kinds: operatorOnly("sets organizations' roles"),
    rows: [
      refuse("operator", "an organization that does not exist", (s, o) => m(s, o).setRoles(orgId("nobody"), SUPPLIER, nextOp()), err("MembershipUnknownOrganization", orgId("nobody"))),
      refuse("operator", "undefined role bits", (s, o) => m(s, o).setRoles(orgId("supplierB"), 0x20, nextOp()), err("MembershipInvalidRoles", 0x20)),
      refuse("operator", "no role at all", (s, o) => m(s, o).setRoles(orgId("supplierB"), 0, nextOp()), err("MembershipInvalidRoles", 0)),
    ],
  },
  addAccount: {
    what: "adds itself to bankA's organization",
    call: (s, who) => m(s, who).addAccount(orgId("bankA"), who.address, nextOp()),
    suspended: "susSupplier",
    // the operator may add keys, but never its own: an operator key never acts for a member
    kinds: every(notOperator, { operator: err("MembershipOperatorAccount", SELF) }),
    rows: [
      refuse("operator", "supplierB's key to bankA's organization", (s, o) => m(s, o).addAccount(orgId("bankA"), s.as.supplierB.address, nextOp()), err("MembershipAccountTaken", (s: Scene) => s.as.supplierB.address, orgId("supplierB"))),
      refuse("operator", "address(0)", (s, o) => m(s, o).addAccount(orgId("bankA"), ZeroAddress, nextOp()), err("MembershipUnknownAccount", ZeroAddress)),
      refuse("operator", "an organization that does not exist", (s, o) => m(s, o).addAccount(orgId("nobody"), s.as.successor.address, nextOp()), err("MembershipUnknownOrganization", orgId("nobody"))),
    ],
  },
  removeAccount: {
    what: "removes bankA's key",
    call: (s, who) => m(s, who).removeAccount(s.as.bankA.address, nextOp()),
    suspended: "susSupplier",
    kinds: operatorOnly("removes keys"),
    rows: [
      refuse("operator", "a non-member", (s, o) => m(s, o).removeAccount(s.as.outsider.address, nextOp()), err("MembershipUnknownAccount", (s: Scene) => s.as.outsider.address)),
      refuse("operator", "address(0)", (s, o) => m(s, o).removeAccount(ZeroAddress, nextOp()), err("MembershipUnknownAccount", ZeroAddress)),
      refuse("operator", "the already removed key", (s, o) => m(s, o).removeAccount(s.as.removed.address, nextOp()), err("MembershipUnknownAccount", (s: Scene) => s.as.removed.address)),
    ],
  },
  suspend: {
    what: "suspends core1",
    call: (s, who) => m(s, who).suspend(orgId("core1"), REASON, nextOp()),
    suspended: "susSupplier",
    kinds: operatorOnly("suspends organizations"),
    rows: [
      refuse("operator", "an organization already suspended", (s, o) => m(s, o).suspend(orgId("susSupplier"), REASON, nextOp()), err("MembershipSuspensionUnchanged", orgId("susSupplier"), true)),
      refuse("operator", "the zero organization id", (s, o) => m(s, o).suspend(ZeroHash, REASON, nextOp()), err("MembershipUnknownOrganization", ZeroHash)),
    ],
  },
  reinstate: {
    what: "reinstates the suspended supplier",
    call: (s, who) => m(s, who).reinstate(orgId("susSupplier"), nextOp()),
    suspended: "susSupplier", // reinstating itself
    kinds: operatorOnly("reinstates organizations"),
    rows: [
      refuse("operator", "an organization that is not suspended", (s, o) => m(s, o).reinstate(orgId("core1"), nextOp()), err("MembershipSuspensionUnchanged", orgId("core1"), false)),
      refuse("operator", "an organization that does not exist", (s, o) => m(s, o).reinstate(orgId("nobody"), nextOp()), err("MembershipUnknownOrganization", orgId("nobody"))),
    ],
  },
  grantRole: {
    what: "makes itself a verifier (whose attestations let certificates onto the ledger)",
    call: (s, who) => m(s, who).grantRole(VERIFIER_ROLE, who.address),
    suspended: "susSupplier",
    kinds: adminOnly("appoints operators and verifiers"),
    rows: [
      refuse("supplierB", "makes itself an operator", (s, x) => m(s, x).grantRole(OPERATOR_ROLE, x.address), notAdmin),
      refuse("operator", "makes itself the default admin", (s, x) => m(s, x).grantRole(ZeroHash, x.address), err("AccessControlEnforcedDefaultAdminRules")),
      refuse("admin", "grants the default admin role outside the two-step handover", (s, x) => m(s, x).grantRole(ZeroHash, s.as.operator.address), err("AccessControlEnforcedDefaultAdminRules")),
      refuse("admin", "makes supplierA's key an operator (it holds members' money)", (s, x) => m(s, x).grantRole(OPERATOR_ROLE, s.as.supplierA.address), err("MembershipOperatorAccount", (s: Scene) => s.as.supplierA.address)),
      refuse("admin", "makes a suspended supplier's key an operator", (s, x) => m(s, x).grantRole(OPERATOR_ROLE, s.as.susSupplier.address), err("MembershipOperatorAccount", (s: Scene) => s.as.susSupplier.address)),
    ],
  },
  revokeRole: {
    what: "revokes the verifier's role",
    call: (s, who) => m(s, who).revokeRole(VERIFIER_ROLE, VERIFIER.address),
    suspended: "susSupplier",
    kinds: adminOnly("revokes operators and verifiers"),
    rows: [
      refuse("supplierB", "revokes the operator", (s, x) => m(s, x).revokeRole(OPERATOR_ROLE, s.as.operator.address), notAdmin),
      refuse("operator", "revokes the default admin", (s, x) => m(s, x).revokeRole(ZeroHash, s.as.admin.address), err("AccessControlEnforcedDefaultAdminRules")),
    ],
  },
  renounceRole: {
    what: "renounces the verifier's role in the verifier's name",
    call: (s, who) => m(s, who).renounceRole(VERIFIER_ROLE, VERIFIER.address),
    suspended: "susSupplier",
    kinds: every(err("AccessControlBadConfirmation")),
    rows: [
      refuse("supplierB", "renounces the operator's role in its name", (s, x) => m(s, x).renounceRole(OPERATOR_ROLE, s.as.operator.address), err("AccessControlBadConfirmation")),
      // the default admin's own renouncement needs a completed schedule, whoever asks
      refuse("operator", "renounces the default admin's role in its name", (s, x) => m(s, x).renounceRole(ZeroHash, s.as.admin.address), err("AccessControlEnforcedDefaultAdminDelay", (s: Scene) => s.due.adminHandover)),
    ],
  },
  beginDefaultAdminTransfer: {
    what: "starts a handover of the default admin role to itself",
    call: (s, who) => m(s, who).beginDefaultAdminTransfer(who.address),
    suspended: "susSupplier",
    kinds: adminOnly("hands governance over"),
  },
  cancelDefaultAdminTransfer: {
    what: "cancels governance's handover under way",
    call: (s, who) => m(s, who).cancelDefaultAdminTransfer(),
    suspended: "susSupplier",
    kinds: adminOnly("cancels its own handover"),
  },
  acceptDefaultAdminTransfer: {
    what: "accepts the handover meant for someone else",
    call: (s, who) => m(s, who).acceptDefaultAdminTransfer(),
    suspended: "susSupplier",
    kinds: every(err("AccessControlInvalidDefaultAdmin", SELF)),
    rows: [refuse("successor", "the pending admin itself, before the delay", (s, x) => m(s, x).acceptDefaultAdminTransfer(), err("AccessControlEnforcedDefaultAdminDelay", (s: Scene) => s.due.adminHandover))],
  },
  changeDefaultAdminDelay: {
    what: "sets the handover delay to 0",
    call: (s, who) => m(s, who).changeDefaultAdminDelay(0),
    suspended: "susSupplier",
    kinds: adminOnly("changes the handover delay (itself delayed)"),
    rows: [refuse("operator", "sets the handover delay to 2^48-1", (s, x) => m(s, x).changeDefaultAdminDelay((1n << 48n) - 1n), notAdmin)],
  },
  rollbackDefaultAdminDelay: {
    what: "rolls back a delay change",
    call: (s, who) => m(s, who).rollbackDefaultAdminDelay(),
    suspended: "susSupplier",
    kinds: adminOnly("rolls back its own delay change"),
  },
};

const cap = (s: Scene) => s.w.token.issuerCap(orgId("issuer"));
const ineligible = (who: (s: Scene) => string): Refusal => err("SettlementAccountNotEligible", who);
const notGovernor = err("SettlementUnauthorizedGovernor", SELF);

export const TOKEN: ContractRows = {
  mint: {
    what: "mints 2^256-1 to itself",
    call: (s, who) => t(s, who).mint(who.address, MAX, nextOp()),
    suspended: "susIssuer",
    kinds: gate(ISSUER, { issuer: may("mints deposits within its organization's cap") }),
    rows: [
      refuse("issuer", "2^256-1 (far above its cap)", (s, x) => t(s, x).mint(s.as.supplierB.address, MAX, nextOp()), err("SettlementIssuerCapExceeded", orgId("issuer"), MAX, async (s: Scene) => { const [c, out] = await cap(s); return c - out; })),
      refuse("issuer", "nothing", (s, x) => t(s, x).mint(s.as.supplierB.address, 0n, nextOp()), err("SettlementZeroAmount")),
      refuse("issuer", "to a non-member", (s, x) => t(s, x).mint(s.as.outsider.address, 1n, nextOp()), ineligible((s) => s.as.outsider.address)),
      refuse("issuer", "to a removed key", (s, x) => t(s, x).mint(s.as.removed.address, 1n, nextOp()), ineligible((s) => s.as.removed.address)),
      refuse("issuer", "to a suspended member", (s, x) => t(s, x).mint(s.as.susSupplier.address, 1n, nextOp()), ineligible((s) => s.as.susSupplier.address)),
      refuse("issuer", "to address(0)", (s, x) => t(s, x).mint(ZeroAddress, 1n, nextOp()), err("ERC20InvalidReceiver", ZeroAddress)),
    ],
  },
  burn: {
    what: "burns one fen of supplierA's",
    call: (s, who) => t(s, who).burn(s.as.supplierA.address, 1n, nextOp()),
    suspended: "susIssuer",
    kinds: gate(ISSUER, { issuer: may("burns withdrawals the holder allowed") }),
    rows: [
      refuse("issuer", "2^256-1 of supplierA's, who allowed nothing", (s, x) => t(s, x).burn(s.as.supplierA.address, MAX, nextOp()), err("ERC20InsufficientAllowance", SELF, 0n, MAX)),
      refuse("issuer", "1 of supplierA's, who allowed nothing", (s, x) => t(s, x).burn(s.as.supplierA.address, 1n, nextOp()), err("ERC20InsufficientAllowance", SELF, 0n, 1n)),
      refuse("issuer", "from address(0)", (s, x) => t(s, x).burn(ZeroAddress, 1n, nextOp()), err("ERC20InsufficientAllowance", SELF, 0n, 1n)),
      refuse("issuer", "2^256-1 of its own (it holds none)", (s, x) => t(s, x).burn(x.address, MAX, nextOp()), err("ERC20InsufficientBalance", SELF, 0n, MAX)),
      refuse("issuer", "nothing", (s, x) => t(s, x).burn(x.address, 0n, nextOp()), err("SettlementZeroAmount")),
    ],
  },
  setClearingHouse: {
    what: "schedules itself as the clearing house",
    call: (s, who) => t(s, who).setClearingHouse(who.address),
    suspended: "susSupplier",
    kinds: every(notGovernor, { governance: may("moves the clearing house, two days ahead") }),
    rows: [
      refuse("admin", "address(0)", (s, x) => t(s, x).setClearingHouse(ZeroAddress), err("SettlementInvalidClearingHouse")),
      refuse("admin", "the operator's key (the operator never holds or moves money)", (s, x) => t(s, x).setClearingHouse(s.as.operator.address), err("SettlementInvalidClearingHouse")),
    ],
  },
  setIssuerCap: {
    what: "sets the issuer's cap to 2^128-1",
    call: (s, who) => t(s, who).setIssuerCap(orgId("issuer"), (1n << 128n) - 1n),
    suspended: "susIssuer",
    kinds: every(notGovernor, { governance: may("caps issuers (raises two days ahead)") }),
    rows: [
      refuse("admin", "a cap of 2^256-1", (s, x) => t(s, x).setIssuerCap(orgId("issuer"), MAX), err("SettlementInvalidIssuerCap", orgId("issuer"), MAX)),
      refuse("admin", "a cap of 2^128", (s, x) => t(s, x).setIssuerCap(orgId("issuer"), 1n << 128n), err("SettlementInvalidIssuerCap", orgId("issuer"), 1n << 128n)),
    ],
  },
  applyIssuerCap: {
    what: "applies governance's raise of the issuer's cap before it is due",
    call: (s, who) => t(s, who).applyIssuerCap(orgId("issuer")),
    suspended: "susIssuer",
    kinds: every(err("SettlementIssuerCapNotDue", orgId("issuer"), (s: Scene) => s.due.issuerCap)),
    rows: [
      refuse("outsider", "the zero organization id", (s, x) => t(s, x).applyIssuerCap(ZeroHash), err("SettlementIssuerCapNotDue", ZeroHash, 0n)),
      refuse("susIssuer", "its own organization, nothing scheduled", (s, x) => t(s, x).applyIssuerCap(orgId("susIssuer")), err("SettlementIssuerCapNotDue", orgId("susIssuer"), 0n)),
    ],
  },
  applyClearingHouse: {
    what: "applies governance's clearing-house change before it is due",
    call: (s, who) => t(s, who).applyClearingHouse(),
    suspended: "susSupplier",
    kinds: every(err("SettlementClearingHouseNotDue", (s: Scene) => s.due.clearingHouse)),
  },
  transfer: {
    what: "sends one fen to supplierB",
    call: (s, who) => t(s, who).transfer(s.as.supplierB.address, 1n),
    suspended: "susSupplier",
    kinds: every(err("SettlementAccountNotEligible", SELF), {
      core: may("moves its own balance"), supplier: may("moves its own balance"), bank: may("moves its own balance"),
      issuer: may("moves its own balance"), auditor: may("moves its own balance"),
    }),
    rows: [
      refuse("supplierB", "to address(0)", (s, x) => t(s, x).transfer(ZeroAddress, 1n), err("ERC20InvalidReceiver", ZeroAddress)),
      refuse("supplierB", "to a non-member", (s, x) => t(s, x).transfer(s.as.outsider.address, 1n), ineligible((s) => s.as.outsider.address)),
      refuse("supplierB", "to a removed key", (s, x) => t(s, x).transfer(s.as.removed.address, 1n), ineligible((s) => s.as.removed.address)),
      refuse("supplierB", "to a suspended member", (s, x) => t(s, x).transfer(s.as.susSupplier.address, 1n), ineligible((s) => s.as.susSupplier.address)),
      refuse("supplierB", "2^256-1", (s, x) => t(s, x).transfer(s.as.supplierA.address, MAX), err("ERC20InsufficientBalance", SELF, (s: Scene) => s.w.token.balanceOf(s.as.supplierB.address), MAX)),
      refuse("auditor", "one fen it does not have", (s, x) => t(s, x).transfer(s.as.supplierA.address, 1n), err("ERC20InsufficientBalance", SELF, 0n, 1n)),
    ],
  },
  transferFrom: {
    what: "takes one fen of supplierA's (who allowed only the ledger, and bankB 1,000 yuan)",
    call: (s, who) => t(s, who).transferFrom(s.as.supplierA.address, who.address, 1n),
    suspended: "susSupplier",
    // the operator never moves money: refused as a spender before any allowance is looked at
    kinds: every(err("ERC20InsufficientAllowance", SELF, 0n, 1n), { bank: may("spends what supplierA allowed it"), operator: ineligible((s) => s.as.operator.address) }),
    rows: [
      refuse("bankB", "one fen more than allowed", (s, x) => t(s, x).transferFrom(s.as.supplierA.address, x.address, 1_000n * YUAN + 1n), err("ERC20InsufficientAllowance", SELF, 1_000n * YUAN, 1_000n * YUAN + 1n)),
      refuse("bankB", "core1's, who allowed it nothing", (s, x) => t(s, x).transferFrom(s.as.core1.address, x.address, 1n), err("ERC20InsufficientAllowance", SELF, 0n, 1n)),
      refuse("bankB", "to a non-member", (s, x) => t(s, x).transferFrom(s.as.supplierA.address, s.as.outsider.address, 1n), ineligible((s) => s.as.outsider.address)),
      refuse("bankB", "to address(0)", (s, x) => t(s, x).transferFrom(s.as.supplierA.address, ZeroAddress, 1n), err("ERC20InvalidReceiver", ZeroAddress)),
      refuse("bankB", "from the removed key", (s, x) => t(s, x).transferFrom(s.as.removed.address, x.address, 1n), err("ERC20InsufficientAllowance", SELF, 0n, 1n)),
    ],
  },
  approve: {
    what: "approves address(0) for 2^256-1",
    call: (s, who) => t(s, who).approve(ZeroAddress, MAX),
    suspended: "susSupplier",
    kinds: every(err("ERC20InvalidSpender", ZeroAddress)),
  },
};
