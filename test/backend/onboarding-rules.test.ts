import { describe, it, expect } from "vitest";
import {
  adminProblem,
  dutyManagesPeople,
  isFirstAdmin,
  lastSeenStale,
  LAST_SEEN_RESOLUTION_MS,
  operationAsSeen,
  signInAccount,
} from "../../backend/src/modules/onboarding/onboarding.rules";
import type { Account } from "../../backend/src/modules/onboarding/people.repository";
import type { OperationRow } from "../../backend/src/modules/onboarding/onboarding.repository";
import { DUTIES, type Organization, type OrgRole, type User } from "../../backend/src/modules/onboarding";
import type { OutboxEntry } from "../../backend/src/ledger/outbox/outbox.entity";

/** Onboarding's rules on who manages people, who signs in where, and what an operation shows, without the stack. */

const ORG_A = "00000000-0000-4000-8000-00000000000a";
const ORG_B = "00000000-0000-4000-8000-00000000000b";
const OPERATOR = "00000000-0000-4000-8000-0000000000ff";

function organization(id: string, over: Partial<Organization> = {}): Organization {
  return {
    id,
    legalName: `Org ${id.slice(-2)}`,
    uscc: "91500112MA60K4DK5U",
    roles: ["supplier"],
    enterpriseSize: "small",
    settlementLicence: null,
    contacts: [],
    status: "active",
    chainOrgId: `0x${"0".repeat(64)}`,
    keyCustody: "custodial",
    ledgerAddress: null,
    chainStatus: "registered",
    chainBlock: null,
    kycApprovedAt: null,
    kycApprovedBy: null,
    suspensionReason: null,
    createdAt: new Date("2026-01-01T00:00:00Z"),
    updatedAt: new Date("2026-01-01T00:00:00Z"),
    ...over,
  };
}

function user(organizationId: string, over: Partial<User> = {}): User {
  return {
    id: `${organizationId.slice(0, -2)}u1`,
    organizationId,
    email: "person@example.com",
    name: "A Person",
    role: "member",
    duty: "approver",
    passwordHash: "$argon2id$hash",
    passwordChangedAt: null,
    createdAt: new Date("2026-01-01T00:00:00Z"),
    disabledAt: null,
    ...over,
  };
}

const caller = (organizationId: string, role: User["role"], roles: OrgRole[] = ["supplier"]) => ({
  organization: organization(organizationId, { roles }),
  user: user(organizationId, { role }),
  has: (r: OrgRole) => roles.includes(r),
});

describe("adminProblem and dutyManagesPeople", () => {
  it("lets an admin act for its own organization only", () => {
    expect(adminProblem(caller(ORG_A, "admin"), ORG_A)).toBeNull();
    expect(adminProblem(caller(ORG_A, "member"), ORG_A)).toBe("not-admin");
    expect(adminProblem(caller(ORG_A, "admin"), ORG_B)).toBe("outside");
  });

  it("keeps the operator's admins outside other organizations", () => {
    expect(adminProblem(caller(OPERATOR, "admin", ["operator"]), ORG_A)).toBe("outside");
  });

  it("lets only an approver change who may act for an organization", () => {
    expect(DUTIES.filter(dutyManagesPeople)).toEqual(["approver"]);
  });
});

describe("isFirstAdmin", () => {
  it("is an admin who is an approver, nobody else", () => {
    expect(isFirstAdmin({ role: "admin", duty: "approver" })).toBe(true);
    expect(isFirstAdmin({ role: "admin", duty: "clerk" })).toBe(false);
    expect(isFirstAdmin({ role: "admin", duty: "viewer" })).toBe(false);
    expect(isFirstAdmin({ role: "member", duty: "approver" })).toBe(false);
  });
});

describe("signInAccount", () => {
  const account = (orgId: string, over: Partial<User> = {}): Account => ({ user: user(orgId, over), organization: organization(orgId) });
  const thrown = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e as { code: string; status: number; fields: { field: string; message: string }[]; extra: Record<string, unknown> };
    }
    throw new Error("nothing was thrown");
  };

  it("opens the one account the password opened", () => {
    const a = account(ORG_A);
    expect(signInAccount([a])).toBe(a);
  });

  it("answers a wrong password and a disabled account alike", () => {
    expect(thrown(() => signInAccount([])).code).toBe("SESSION.CREDENTIALS_INVALID");
    expect(thrown(() => signInAccount([account(ORG_A, { disabledAt: new Date() })])).code).toBe("SESSION.CREDENTIALS_INVALID");
  });

  it("asks a person whose password opens several organizations to name one, listing them", () => {
    const e = thrown(() => signInAccount([account(ORG_A), account(ORG_B)]));
    expect([e.code, e.status]).toEqual(["SESSION.ORGANIZATION_REQUIRED", 409]);
    expect(e.extra).toEqual({ organizations: [{ id: ORG_A, legalName: "Org 0a" }, { id: ORG_B, legalName: "Org 0b" }] });
    expect(e.fields).toEqual([
      { field: "body.organizationId", message: `${ORG_A}: Org 0a` },
      { field: "body.organizationId", message: `${ORG_B}: Org 0b` },
    ]);
  });

  it("opens the organization named, and nothing when the password does not open it", () => {
    expect(signInAccount([account(ORG_A), account(ORG_B)], ORG_B).organization.id).toBe(ORG_B);
    expect(thrown(() => signInAccount([account(ORG_A)], ORG_B)).code).toBe("SESSION.CREDENTIALS_INVALID");
  });

  it("leaves a disabled account out of the choice", () => {
    expect(signInAccount([account(ORG_A, { disabledAt: new Date() }), account(ORG_B)]).organization.id).toBe(ORG_B);
  });
});

describe("lastSeenStale", () => {
  it("records a session's use at most once per resolution", () => {
    const seen = new Date("2026-03-10T02:00:00Z");
    expect(lastSeenStale(seen, seen.getTime() + LAST_SEEN_RESOLUTION_MS)).toBe(false);
    expect(lastSeenStale(seen, seen.getTime() + LAST_SEEN_RESOLUTION_MS + 1)).toBe(true);
  });
});

describe("operationAsSeen", () => {
  const op = (over: Partial<OutboxEntry> = {}) => ({ id: 7n, organizationId: OPERATOR, aggregateId: ORG_A, status: "mined", ...over }) as OutboxEntry;
  const found = (over: Partial<OutboxEntry> = {}, blockNumber: bigint | null = 100n, indexed = 100n): OperationRow => ({
    op: op(over),
    tx: { txHash: `0x${"a".repeat(64)}`, blockNumber },
    indexed,
  });

  it("shows an operation to the organization that asked for it and to the one it is about", () => {
    expect(operationAsSeen(caller(ORG_B, "member"), found({ organizationId: ORG_B, aggregateId: null }))).not.toBeNull();
    expect(operationAsSeen(caller(ORG_A, "member"), found())).not.toBeNull();
  });

  it("hides it from other members, and shows every one to the operator and auditors", () => {
    expect(operationAsSeen(caller(ORG_B, "admin"), found())).toBeNull();
    expect(operationAsSeen(caller(ORG_B, "member", ["auditor"]), found())).not.toBeNull();
    expect(operationAsSeen(caller(OPERATOR, "member", ["operator"]), found({ organizationId: ORG_B, aggregateId: ORG_B }))).not.toBeNull();
  });

  it("shows it to a party of what it changes, as its owner module says (the supplier of a financing its bank funds)", () => {
    expect(operationAsSeen(caller(ORG_B, "member"), found(), true)).not.toBeNull();
    expect(operationAsSeen(caller(ORG_B, "member"), found({}, 101n, 100n), true)!.op.status).toBe("submitted");
  });

  it("is absent when there is none", () => {
    expect(operationAsSeen(caller(ORG_A, "admin"), undefined)).toBeNull();
    expect(operationAsSeen(caller(ORG_A, "admin"), undefined, true)).toBeNull();
  });

  it("reports a mined operation as submitted until the indexer has projected its block", () => {
    expect(operationAsSeen(caller(ORG_A, "member"), found({}, 101n, 100n))!.op.status).toBe("submitted");
    expect(operationAsSeen(caller(ORG_A, "member"), found({}, 100n, 100n))!.op.status).toBe("mined");
    expect(operationAsSeen(caller(ORG_A, "member"), found({}, 5n, -1n))!.op.status).toBe("submitted");
    expect(operationAsSeen(caller(ORG_A, "member"), found({ status: "failed" }, 101n, 100n))!.op.status).toBe("failed");
  });
});
