import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import type { ChangeFeed } from "../../shared/changes";
import { PreferWait, readWaiting } from "../../shared/http/prefer-wait";
import type { OnboardingService } from "./onboarding.service";
import { ORG_ROLES, type OrgRole } from "./onboarding.entity";
import { Accepted, ApiKeyCreate, ApiKeyIssued, ApiKeyView, KycApproval, MemberView, OrganizationCreate, OrganizationView, Page, Reinstatement, Suspension, UserCreate, UserView } from "./onboarding.schemas";
import { Id } from "../../shared/http/schemas";
import { OperationView, operationView } from "../../ledger/outbox/operation.view";
import { apiKeyView, organizationView, userView } from "./onboarding.views";

const TAG: ApiTag = {
  name: "Onboarding",
  description: "Member organizations, their users and API keys, and the ledger operations requests start. The operator creates an organization, approves its KYC (which registers it on the ledger) and may suspend or reinstate it.",
};

export function onboardingRoutes(routes: Routes, service: OnboardingService, changes: ChangeFeed): void {
  routes.add({
    method: "get",
    path: "/v1/me",
    operationId: "onboarding.getMe",
    summary: "The caller: user and organization",
    description:
      "Who the credential belongs to: the user (with their role and duty) and their organization (with its status and roles). Works with a session or an API key; a good first call to check a key.",
    tag: TAG,
    status: 200,
    response: z.object({ user: UserView, organization: OrganizationView }),
    handler: async ({ auth }) => ({ user: userView(auth.user), organization: organizationView(auth.organization) }),
  });

  routes.add({
    method: "post",
    path: "/v1/organizations",
    operationId: "onboarding.createOrganization",
    summary: "Create a member organization (status pending until KYC is approved)",
    description:
      "Records a member organization with its unified social credit code, roles and contacts. Nothing is written to the ledger yet: the organization is `pending` until its KYC is approved. Give `ledgerAddress` if it keeps its own key; otherwise the platform will hold a custodial key for it. 409 ORGANIZATION.DUPLICATE if the code is already registered, ORGANIZATION.ADDRESS_TAKEN if the address is.",
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
    operationId: "onboarding.listOrganizations",
    summary: "Organizations the caller may see (operators and auditors: all; others: their own)",
    description:
      "Ordered by id; page with `limit` and `after` (the last id of the previous page). A member sees only its own organization.",
    tag: TAG,
    query: Page,
    status: 200,
    response: z.object({ items: z.array(OrganizationView) }),
    handler: async ({ auth, query }) => ({ items: (await service.listOrganizations(auth, query.limit, query.after)).map(organizationView) }),
  });

  routes.add({
    method: "get",
    path: "/v1/members",
    operationId: "onboarding.listMembers",
    summary: "The consortium's members (active or suspended): names, codes and roles, to pick a counterparty",
    description:
      "The directory every member may read: active and suspended organizations only (pending ones are not members yet), optionally of one `role`. Ordered by id; page with `limit` and `after`.",
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
    operationId: "onboarding.getOrganization",
    summary: "One organization, with its on-chain state",
    description:
      "Includes `chain`: whether the organization is registered or suspended on the ledger, as the indexer has seen it. Another member's organization is answered as absent (404); the operator and auditors read any.",
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
    operationId: "onboarding.approveKyc",
    commit: true,
    summary: "Approve KYC: the organization gets its ledger key and is registered on chain (202: follow the operation)",
    description:
      "For a `pending` organization (else 409 ORGANIZATION.NOT_PENDING). A custodial ledger key is created unless the organization brought its own address, and its registration is queued for the ledger. The organization is `kyc_approved` at once and `active` when the operation is mined: follow it with GET /v1/operations/{id}.",
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
    operationId: "onboarding.suspendOrganization",
    commit: true,
    summary: "Suspend an organization on chain: none of its accounts may act or receive",
    description:
      "For an `active` organization (409 ORGANIZATION.INVALID_STATUS otherwise), with a reason. Once the operation is mined the organization is `suspended`: its people can read but not change anything, and the ledger refuses its accounts. 409 ORGANIZATION.CHANGE_IN_PROGRESS while an earlier change to it is still being written.",
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
    operationId: "onboarding.reinstateOrganization",
    commit: true,
    summary: "Lift a suspension on chain",
    description:
      "For a `suspended` organization (409 ORGANIZATION.INVALID_STATUS otherwise): it is `active` again when the operation is mined (follow it with GET /v1/operations/{id}).",
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
    operationId: "onboarding.createUser",
    summary: "Add a user (API keys only until invited) to an organization (its admins who are approvers)",
    description:
      "Adds a user with a role (admin or member) and a duty (viewer, clerk or approver; default approver). The user has no password: they call with API keys until invited to the portal (POST /v1/organizations/{id}/invitations). 409 USER.DUPLICATE if the email is already a user of the organization.",
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
    operationId: "onboarding.listUsers",
    summary: "Users of an organization",
    description:
      "Oldest first, with each user's role, duty and whether they sign in to the portal. Your own organization's, or any for the operator and auditors; another organization is answered as absent (404).",
    tag: TAG,
    params: Id,
    status: 200,
    response: z.object({ items: z.array(UserView) }),
    handler: async ({ auth, params }) => ({ items: (await service.listUsers(auth, params.id)).map(userView) }),
  });

  routes.add({
    method: "post",
    path: "/v1/api-keys",
    operationId: "onboarding.issueApiKey",
    summary: "Issue an API key for yourself, or (admins who are approvers) for a user of your organization. The key is shown once.",
    description:
      "Answers the key itself (`cf_...`) once: only a hash is stored, so a lost key cannot be shown again, only revoked and replaced. Send it as `Authorization: Bearer cf_...`. A key acts as its user, with their role and duty.",
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
    operationId: "onboarding.listApiKeys",
    summary: "API keys of your organization (admins) or your own (members), never the secrets",
    description:
      "Oldest first, with each key's prefix, label, user, last use and revocation; never the key itself.",
    tag: TAG,
    status: 200,
    response: z.object({ items: z.array(ApiKeyView) }),
    handler: async ({ auth }) => ({ items: (await service.listKeys(auth)).map(apiKeyView) }),
  });

  routes.add({
    method: "delete",
    path: "/v1/api-keys/:id",
    operationId: "onboarding.revokeApiKey",
    summary: "Revoke an API key (your own, or as admin any of your organization's)",
    description:
      "The key stops working at once; revoking a revoked key changes nothing. Another organization's key is answered as absent (404).",
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
    operationId: "onboarding.getOperation",
    summary: "The state of an operation written to the ledger through the outbox; with `Prefer: wait=N`, answered when its status changes",
    description:
      "Every write that reaches the ledger answers 202 with an operation: `pending` (queued), `submitted` (sent), `mined` (in a block, and visible in every read of this API) or `failed` (with an error code and message). Poll this, or send `Prefer: wait=N` to be answered when its status changes (or after N seconds unchanged). Visible to the organization that asked for it, the one it onboards and the supplier of the financing it funds (`ledger.finance`, sent by the bank); the operator and auditors see all.",
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
