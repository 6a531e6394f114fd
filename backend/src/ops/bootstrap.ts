import type { DataSource } from "typeorm";
import type { KeyVault } from "../ledger/key-vault";
import { operatorKeyAddress } from "../ledger/platform-keys";
import { createOperator, usccProblem, type OperatorInput } from "../modules/onboarding";

/**
 * Creates the consortium operator's organization, its first admin user with an API key and an
 * invitation to choose a portal password, and the platform's operator ledger key (if `deploy` has
 * not made one yet). Refuses to run twice.
 */
export async function bootstrap(ds: DataSource, vault: KeyVault, input: OperatorInput) {
  const problem = usccProblem(input.uscc);
  if (problem) throw new Error(`--uscc ${input.uscc} is not a valid unified social credit code: ${problem}`);
  return ds.transaction(async (em) => {
    const { org, user, apiKey, invitationToken } = await createOperator(em, input);
    const operatorKey = await operatorKeyAddress(em, vault, org.id);
    return { organizationId: org.id, userId: user.id, apiKey, invitationToken, operatorAddress: operatorKey };
  });
}
