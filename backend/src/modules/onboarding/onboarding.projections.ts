import type { Projections } from "../../indexer/projections";

/** Membership events → the organizations' on-chain state and status. */
export function onboardingProjections(p: Projections): Projections {
  return p
    .on("Membership.OrganizationRegistered", async (em, e) => {
      await em.query(
        `UPDATE organizations SET chain_status = 'registered', chain_block = $2, updated_at = now(),
           status = CASE WHEN status = 'kyc_approved' THEN 'active' ELSE status END
         WHERE chain_org_id = $1`,
        [e.args.orgId, e.blockNumber.toString()],
      );
    })
    .on("Membership.OrganizationSuspended", async (em, e) => {
      await em.query(
        `UPDATE organizations SET chain_status = 'suspended', status = 'suspended', chain_block = $2, updated_at = now() WHERE chain_org_id = $1`,
        [e.args.orgId, e.blockNumber.toString()],
      );
    })
    .on("Membership.OrganizationReinstated", async (em, e) => {
      await em.query(
        `UPDATE organizations SET chain_status = 'registered', status = 'active', suspension_reason = NULL, chain_block = $2, updated_at = now()
         WHERE chain_org_id = $1`,
        [e.args.orgId, e.blockNumber.toString()],
      );
    });
}
