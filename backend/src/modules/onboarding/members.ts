import type { EntityManager } from "typeorm";
import { AppError, conflict, notFound } from "../../shared/errors";
import { Rows } from "../../shared/rows";
import { OrganizationEntity, type Organization, type OrgRole } from "./onboarding.entity";

const organizationRows = new Rows(OrganizationEntity);

/**
 * An active member organization that `em` may act for on the ledger through its custodial key:
 * its ledger address. Organizations that keep their own key act by signature instead.
 */
export async function custodialAccount(org: Organization): Promise<string> {
  if (org.status !== "active") throw conflict("ORGANIZATION.NOT_ACTIVE", `${org.legalName} is ${org.status}, not active on the ledger.`);
  if (org.keyCustody !== "custodial" || !org.ledgerAddress) {
    throw new AppError(
      "ORGANIZATION.OWN_KEY",
      409,
      `${org.legalName} keeps its own ledger key: send its EIP-712 signature with the request (see the typed-data endpoints).`,
    );
  }
  return org.ledgerAddress;
}

/**
 * Another organization by id, which must be active and hold `role` (else 404 / 422 with the reason).
 * One whose KYC is still pending is no member yet: as absent to members as an id that does not
 * exist (naming it would tell them it applied).
 */
export async function counterparty(em: EntityManager, id: string, role: OrgRole, field: string): Promise<Organization> {
  return checkCounterparty(await em.getRepository(OrganizationEntity).findOneBy({ id }), id, role, field);
}

/** Organizations by id, in one statement (for {@link checkCounterparty} on each). */
export async function organizationsById(em: EntityManager, ids: string[]): Promise<Map<string, Organization>> {
  const rows: Record<string, unknown>[] = await em.query(`SELECT * FROM organizations WHERE id = ANY($1::uuid[])`, [[...new Set(ids)]]);
  return new Map(rows.map((r) => organizationRows.from(em, r)).map((o) => [o.id, o]));
}

/** {@link counterparty}'s checks on an organization read already (null: none with that id). */
export function checkCounterparty(org: Organization | null | undefined, id: string, role: OrgRole, field: string): Organization {
  if (!org || org.status === "pending") throw notFound("organization", id);
  if (!org.roles.includes(role)) {
    throw new AppError("ORGANIZATION.ROLE_MISSING", 422, `${field}: ${org.legalName} is not a ${role.replace("_", " ")}.`, [
      { field, message: `must be an organization with role ${role}` },
    ]);
  }
  if (org.status !== "active" || !org.ledgerAddress) {
    throw new AppError("ORGANIZATION.NOT_ACTIVE", 422, `${field}: ${org.legalName} is ${org.status}, not an active member.`, [
      { field, message: "must be an active member" },
    ]);
  }
  return org;
}

/** Organization ids by ledger address (for projections). */
export async function organizationIdByAddress(em: EntityManager, address: string): Promise<string | null> {
  const [row] = await em.query(`SELECT id FROM organizations WHERE ledger_address = $1`, [address]);
  return row?.id ?? null;
}
