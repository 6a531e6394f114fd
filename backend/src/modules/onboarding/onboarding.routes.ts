import { z } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import type { ChangeFeed } from "../../shared/changes";
import { PreferWait, readWaiting } from "../../shared/http/prefer-wait";
import type { OnboardingService } from "./onboarding.service";
import { ORG_ROLES, type OrgRole } from "./onboarding.entity";
import {
  Accepted,
  ApiKeyCreate,
  ApiKeyIssued,
  ApiKeyView,
  Id,
  KycApproval,
  MemberView,
  OperationView,
  OrganizationCreate,
  OrganizationView,
  Page,
  Reinstatement,
  Suspension,
  UserCreate,
  UserView,
} from "./onboarding.schemas";
import { apiKeyView, operationView, organizationView, userView } from "./onboarding.views";

const TAG = "Onboarding";

export function onboardingRoutes(routes: Routes, service: OnboardingService, changes: ChangeFeed): void {
  routes.add({
    method: "get",
    path: "/v1/me",
    summary: "The caller: user and organization",
    tag: TAG,
    status: 200,
    response: z.object({ user: UserView, organization: OrganizationView }),
    handler: async ({ auth }) => ({ user: userView(auth.user), organization: organizationView(auth.organization) }),
  });

  routes.add({
    method: "post",
    path: "/v1/organizations",
    summary: "Create a member organization (status pending until KYC is approved)",
    tag: TAG,
    roles: ["operator"],
    body: OrganizationCreate,
    status: 201,
    response: OrganizationView,
    handler: async ({ body }) => organizationView(await service.createOrganization({ ...body, roles: body.roles as OrgRole[] })),
  });

  routes.add({
    method: "get",
    path: "/v1/organizations",
    summary: "Organizations the caller may see (operators and auditors: all; others: their own)",
    tag: TAG,
    query: Page,
    status: 200,
    response: z.object({ items: z.array(OrganizationView) }),
    handler: async ({ auth, query }) => ({ items: (await service.listOrganizations(auth, query.limit, query.after)).map(organizationView) }),
  });

  routes.add({
    method: "get",
    path: "/v1/members",
    summary: "The consortium's members (active or suspended): names, codes and roles, to pick a counterparty",
    tag: TAG,
    query: Page.extend({ role: z.enum(ORG_ROLES).optional() }).strict(),
    status: 200,
    response: z.object({ items: z.array(MemberView) }),
    handler: async ({ query }) => ({
      items: (await service.directory(query)).map((o) => ({ id: o.id, legalName: o.legalName, unifiedSocialCreditCode: o.uscc, roles: o.roles, status: o.status })),
    }),
  });

  routes.add({
    method: "get",
    path: "/v1/organizations/:id",
    summary: "One organization, with its on-chain state",
    tag: TAG,
    params: Id,
    status: 200,
    response: OrganizationView,
    handler: async ({ auth, params }) => organizationView(await service.getOrganization(auth, params.id)),
  });

  const accepted = (r: Awaited<ReturnType<OnboardingService["approveKyc"]>>) => ({
    organization: organizationView(r.organization),
    operation: operationView(r.operation, null),
  });

  routes.add({
    method: "post",
    path: "/v1/organizations/:id/kyc-approval",
    commit: true,
    summary: "Approve KYC: the organization gets its ledger key and is registered on chain (202: follow the operation)",
    tag: TAG,
    roles: ["operator"],
    params: Id,
    body: KycApproval,
    status: 202,
    response: Accepted,
    handler: async ({ auth, params }) => accepted(await service.approveKyc(auth, params.id)),
  });

  routes.add({
    method: "post",
    path: "/v1/organizations/:id/suspension",
    commit: true,
    summary: "Suspend an organization on chain: none of its accounts may act or receive",
    tag: TAG,
    roles: ["operator"],
    params: Id,
    body: Suspension,
    status: 202,
    response: Accepted,
    handler: async ({ auth, params, body }) => accepted(await service.suspend(auth, params.id, body.reason)),
  });

  routes.add({
    method: "post",
    path: "/v1/organizations/:id/reinstatement",
    commit: true,
    summary: "Lift a suspension on chain",
    tag: TAG,
    roles: ["operator"],
    params: Id,
    body: Reinstatement,
    status: 202,
    response: Accepted,
    handler: async ({ auth, params }) => accepted(await service.reinstate(auth, params.id)),
  });

  routes.add({
    method: "post",
    path: "/v1/organizations/:id/users",
    summary: "Add a user (API keys only until invited) to an organization (its admins who are approvers)",
    tag: TAG,
    params: Id,
    body: UserCreate,
    status: 201,
    response: UserView,
    handler: async ({ auth, params, body }) => userView(await service.createUser(auth, params.id, body)),
  });

  routes.add({
    method: "get",
    path: "/v1/organizations/:id/users",
    summary: "Users of an organization",
    tag: TAG,
    params: Id,
    status: 200,
    response: z.object({ items: z.array(UserView) }),
    handler: async ({ auth, params }) => ({ items: (await service.listUsers(auth, params.id)).map(userView) }),
  });

  routes.add({
    method: "post",
    path: "/v1/api-keys",
    summary: "Issue an API key for yourself, or (admins who are approvers) for a user of your organization. The key is shown once.",
    tag: TAG,
    body: ApiKeyCreate,
    status: 201,
    response: ApiKeyIssued,
    handler: async ({ auth, body }) => {
      const { key, row } = await service.issueKey(auth, body);
      return { ...apiKeyView(row), key };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/api-keys",
    summary: "API keys of your organization (admins) or your own (members), never the secrets",
    tag: TAG,
    status: 200,
    response: z.object({ items: z.array(ApiKeyView) }),
    handler: async ({ auth }) => ({ items: (await service.listKeys(auth)).map(apiKeyView) }),
  });

  routes.add({
    method: "delete",
    path: "/v1/api-keys/:id",
    summary: "Revoke an API key (your own, or as admin any of your organization's)",
    tag: TAG,
    params: Id,
    status: 204,
    handler: async ({ auth, params }) => {
      await service.revokeKey(auth, params.id);
      return undefined;
    },
  });

  routes.add({
    method: "get",
    path: "/v1/operations/:id",
    summary: "The state of an operation written to the ledger through the outbox; with `Prefer: wait=N`, answered when its status changes",
    tag: TAG,
    params: z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, "must be an operation id (up to 18 digits)") }).strict(),
    headers: PreferWait,
    status: 200,
    response: OperationView,
    handler: async (ctx) =>
      readWaiting(
        ctx,
        changes,
        async () => {
          const { op, tx } = await service.getOperation(ctx.auth, ctx.params.id);
          return operationView(op, tx);
        },
        ["mined", "failed"],
      ),
  });
}
