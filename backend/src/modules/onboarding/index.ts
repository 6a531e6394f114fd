/**
 * Onboarding: organizations (KYC, chain membership, suspension), their people (invitations,
 * duties, sign-in sessions) and API keys. (Implementation: onboarding.service.ts, people.service.ts,
 * sessions.ts, their statements in onboarding.repository.ts and people.repository.ts and the rules
 * they decide on in onboarding.rules.ts, authentication.ts, members.ts, *.routes.ts,
 * onboarding.projections.ts.)
 */
import { defineModule } from "../module";
import { ApiKeyEntity, OrganizationEntity, UserEntity } from "./onboarding.entity";
import { OnboardingService } from "./onboarding.service";
import { PeopleService } from "./people.service";
import { Sessions } from "./sessions";
import { SignInThrottle } from "./sign-in-throttle";
import { onboardingRoutes } from "./onboarding.routes";
import { peopleRoutes } from "./people.routes";
import { onboardingProjections } from "./onboarding.projections";
import { EnterpriseSize1733400000000 } from "./enterprise-size.migration";

export const onboardingModule = defineModule({
  name: "onboarding",
  needs: [],
  tables: ["organizations", "users", "api_keys", "sessions", "invitations"],
  entities: [OrganizationEntity, UserEntity, ApiKeyEntity],
  migrations: [EnterpriseSize1733400000000],
  services: ({ ds, outbox, vault, redis, config }) => {
    const onboarding = new OnboardingService(ds, outbox, vault);
    const sessions = new Sessions(ds, new SignInThrottle(redis, config.QUEUE_PREFIX));
    return { onboarding, sessions, people: new PeopleService(ds, onboarding, sessions) };
  },
  routes: (routes, api, http) => {
    onboardingRoutes(routes, api.onboarding, http.changes);
    peopleRoutes(routes, api.people, api.sessions, http.secureCookies);
  },
  projections: (p) => onboardingProjections(p),
});
export type OnboardingApi = ReturnType<typeof onboardingModule.services>;

export { OrganizationEntity, UserEntity, ApiKeyEntity, ORG_ROLES, DUTIES, ENTERPRISE_SIZES, isSme, type EnterpriseSize, type SettlementLicence, type Organization, type OrgRole, type User, type Duty, type ApiKey } from "./onboarding.entity";
export { custodialAccount, counterparty, organizationsById, checkCounterparty, organizationIdByAddress } from "./members";
export { usccProblem, withUsccCheck } from "./uscc";
export { OnboardingService, chainOrgId } from "./onboarding.service";
export { PeopleService, createInvitation } from "./people.service";
export { Sessions } from "./sessions";
export { authenticate, sameOriginWrites } from "./authentication";
export { createOperator, type OperatorInput } from "./operator";
