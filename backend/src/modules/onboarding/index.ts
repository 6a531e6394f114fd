/**
 * Onboarding: organizations (KYC, chain membership, suspension), their people (invitations,
 * duties, sign-in sessions) and API keys. (Implementation: onboarding.service.ts, people.service.ts,
 * sessions.ts, authentication.ts, members.ts, *.routes.ts, onboarding.projections.ts.)
 */
export { OrganizationEntity, UserEntity, ApiKeyEntity, ORG_ROLES, DUTIES, type Organization, type OrgRole, type User, type Duty, type ApiKey } from "./onboarding.entity";
export { custodialAccount, counterparty, organizationsById, checkCounterparty, organizationIdByAddress } from "./members";
export { usccProblem, withUsccCheck } from "./uscc";
export { OnboardingService, chainOrgId } from "./onboarding.service";
export { PeopleService, createInvitation } from "./people.service";
export { issueApiKey } from "./api-key-secret";
export { Sessions } from "./sessions";
