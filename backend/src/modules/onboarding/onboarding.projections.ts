import { perEvent, type Projections } from "../../indexer/projections";

/** Events about one organization are projected in chain order. */
const organization = (e: { args: { orgId: string } }) => [`org:${e.args.orgId}`];

/** Membership events → the organizations' on-chain state and status. */
export function onboardingProjections(p: Projections): Projections {
  return p
    .on(
      "Membership.OrganizationRegistered",
      perEvent(async (em, e) => {
        await em.query(
          `UPDATE organizations SET chain_status = 'registered', chain_block = $2, updated_at = now(),
             status = CASE WHEN status = 'kyc_approved' THEN 'active' ELSE status END
           WHERE chain_org_id = $1`,
          [e.args.orgId, e.blockNumber.toString()],
        );
      }),
      organization,
    )
    .on(
      "Membership.OrganizationSuspended",
      perEvent(async (em, e) => {
        await em.query(
          `UPDATE organizations SET chain_status = 'suspended', status = 'suspended', chain_block = $2, updated_at = now() WHERE chain_org_id = $1`,
          [e.args.orgId, e.blockNumber.toString()],
        );
      }),
      organization,
    )
    .on(
      "Membership.OrganizationReinstated",
      perEvent(async (em, e) => {
        await em.query(
          `UPDATE organizations SET chain_status = 'registered', status = 'active', suspension_reason = NULL, chain_block = $2, updated_at = now()
           WHERE chain_org_id = $1`,
          [e.args.orgId, e.blockNumber.toString()],
        );
      }),
      organization,
    );
}
