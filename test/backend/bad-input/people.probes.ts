import { randomBytes } from "node:crypto";
import { getAt } from "../support/openapi-probe";
import { PERSON_PASSWORD } from "./world";
import type { BadInputProbe, ProbeTable } from "./probe";

/** People and their sessions: sign-in and invitations are public, a sign-out or password change needs a browser session of its own. */
const probes: BadInputProbe[] = [
  // public: sent without credentials, as a browser signs in; validation comes before the sign-in throttle, so
  // malformed requests never count as failed sign-ins (the hostile passwords are tried on an email nobody has)
  {
    endpoint: "POST /v1/sessions",
    context: ({ w }) => ({
      key: "",
      public: true,
      // organizationId: the person's own (supplier A's), not a sampled id that names no account of theirs
      body: () => ({ email: w.people.signIn.email, password: w.people.signIn.password, organizationId: w.A.orgId }),
      hostileBody: () => ({ email: w.people.stranger }),
    }),
  },
  { endpoint: "DELETE /v1/sessions/current", context: ({ w }) => ({ key: "", browser: () => w.people.signOut }) },
  {
    endpoint: "POST /v1/me/password",
    context: ({ w }) => ({
      key: "",
      browser: () => w.people.password,
      body: () => ({ currentPassword: w.people.password.password, newPassword: "a brand new passphrase" }),
      hostileBrowser: () => w.people.passwordHostile,
      hostileBody: () => ({ currentPassword: w.people.passwordHostile.password }),
    }),
  },
  {
    endpoint: "POST /v1/organizations/{id}/invitations",
    context: ({ w, stack }) => ({
      key: w.A.adminKey,
      path: { id: w.A.orgId },
      foreign: { id: w.B.orgId },
      body: () => ({ email: `invitee-${randomBytes(5).toString("hex")}@a.example`, duty: "clerk", role: "member" }),
      echo: async (r, field) => ({ answered: getAt(r.body, field), stored: getAt((await stack.ds.query(`SELECT name FROM invitations WHERE id = $1`, [r.body.id]))[0], field) }),
    }),
  },
  {
    endpoint: "POST /v1/invitations/acceptance",
    context: ({ w }) => ({
      key: "",
      public: true,
      body: () => ({ token: w.people.token, password: PERSON_PASSWORD }),
      hostileBody: () => ({ token: w.people.hostileToken }),
    }),
  },
  {
    endpoint: "POST /v1/organizations/{id}/users/{userId}/duty",
    context: ({ w }) => ({
      key: w.A.adminKey,
      path: { id: w.A.orgId, userId: w.people.dutyUserId },
      body: () => ({ duty: "clerk" }),
      // bank B and its admin; each id in turn with supplier A's other one
      foreign: { id: w.B.orgId, userId: w.people.foreignUserId },
    }),
  },
];

export const people: ProbeTable = { tag: "People and sessions", probes };
