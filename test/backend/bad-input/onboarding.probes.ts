import { randomBytes } from "node:crypto";
import { getAddress } from "ethers";
import { randomUscc } from "../support/stack";
import { getAt } from "../support/openapi-probe";
import type { BadInputProbe, ProbeTable } from "./probe";

/** Organizations, their users and API keys, operations and the member directory: supplier A the usual caller, the operator for what only it may do. */
const probes: BadInputProbe[] = [
  { endpoint: "GET /v1/me", context: ({ w }) => ({ key: w.A.adminKey }) },
  {
    endpoint: "POST /v1/organizations",
    context: ({ w, get }) => ({
      key: w.operatorKey,
      // a fresh tax id and address each time: the example address is taken once one of these succeeds
      body: () => ({ unifiedSocialCreditCode: randomUscc(), ledgerAddress: getAddress(`0x${randomBytes(20).toString("hex")}`) }),
      echo: async (r, field) => ({ answered: getAt(r.body, field), stored: getAt((await get(`/v1/organizations/${r.body.id}`, w.operatorKey)).body, field) }),
    }),
  },
  { endpoint: "GET /v1/organizations", context: ({ w }) => ({ key: w.A.adminKey, query: { limit: "10" } }) },
  { endpoint: "GET /v1/organizations/{id}", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.A.orgId }, foreign: { id: w.B.orgId } }) },
  { endpoint: "POST /v1/organizations/{id}/kyc-approval", context: ({ w }) => ({ key: w.operatorKey, path: { id: w.pending[0] }, hostilePath: { id: w.pending[1] }, foreign: { id: w.B.orgId } }) },
  {
    endpoint: "POST /v1/organizations/{id}/suspension",
    context: ({ w, get }) => ({
      key: w.operatorKey,
      path: { id: w.active[0] },
      hostilePath: { id: w.active[1] },
      foreign: { id: w.B.orgId },
      echo: async (r) => ({ answered: r.body.organization.suspensionReason, stored: (await get(`/v1/organizations/${r.body.organization.id}`, w.operatorKey)).body.suspensionReason }),
    }),
  },
  { endpoint: "POST /v1/organizations/{id}/reinstatement", context: ({ w }) => ({ key: w.operatorKey, path: { id: w.suspended[0] }, hostilePath: { id: w.suspended[1] }, foreign: { id: w.B.orgId } }) },
  {
    endpoint: "POST /v1/organizations/{id}/users",
    context: ({ w, get }) => ({
      key: w.A.adminKey,
      path: { id: w.A.orgId },
      foreign: { id: w.B.orgId },
      echo: async (r, field) => {
        const list = (await get(`/v1/organizations/${w.A.orgId}/users`, w.A.adminKey)).body.items as { id: string }[];
        return { answered: getAt(r.body, field), stored: getAt(list.find((u) => u.id === r.body.id), field) };
      },
    }),
  },
  { endpoint: "GET /v1/organizations/{id}/users", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.A.orgId }, foreign: { id: w.B.orgId } }) },
  {
    endpoint: "POST /v1/api-keys",
    context: ({ w, get }) => ({
      key: w.A.adminKey,
      body: () => ({ userId: w.A.memberUserId }),
      echo: async (r, field) => {
        const list = (await get("/v1/api-keys", w.A.adminKey)).body.items as { id: string }[];
        return { answered: getAt(r.body, field), stored: getAt(list.find((k) => k.id === r.body.id), field) };
      },
    }),
  },
  { endpoint: "GET /v1/api-keys", context: ({ w }) => ({ key: w.A.adminKey }) },
  { endpoint: "DELETE /v1/api-keys/{id}", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.A.spareKeyId }, foreign: { id: w.B.keyId } }) },
  {
    endpoint: "GET /v1/operations/{id}",
    context: ({ w }) => ({
      key: w.operatorKey,
      path: { id: w.operationId },
      // bank B's onboarding: supplier A may read only the operations it asked for or that concern it
      foreign: { id: w.foreignOperationId },
      // operation ids are a sequence: everything up to a margin above today's highest may exist by the time it is asked for
      exists: (id) => /^\d+$/.test(id) && BigInt(id) > 0n && BigInt(id) <= w.maxOperationId + 1000n,
    }),
  },
  { endpoint: "GET /v1/members", context: ({ w }) => ({ key: w.A.adminKey, query: { limit: "10", role: undefined, after: undefined } }) },
];

export const onboarding: ProbeTable = { tag: "Onboarding", probes };
