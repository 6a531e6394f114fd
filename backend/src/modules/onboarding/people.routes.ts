import type { Request, Response } from "express";
import { z, type ApiTag } from "../../shared/http/openapi";
import { AppError } from "../../shared/errors";
import type { Routes } from "../../shared/http/route";
import type { AuthContext } from "../../shared/http/auth";
import { Id, Uuid } from "../../shared/http/schemas";
import { organizationView, userView } from "./onboarding.views";
import { setSessionCookies } from "./authentication";
import type { PeopleService } from "./people.service";
import type { IssuedSession, Sessions } from "./sessions";
import { DutyChange, InvitationAcceptance, InvitationCreate, InvitationIssued, PasswordChange, SessionView, SignIn } from "./people.schemas";
import { UserView } from "./onboarding.schemas";

const TAG: ApiTag = {
  name: "People and sessions",
  description: "How people reach the portal: signing in and out, changing a password, invitations, and each person's duty (viewer, clerk or approver).",
};

const clientOf = (req: Request) => ({ address: req.ip ?? "unknown", userAgent: req.get("user-agent") ?? "" });

const sessionOnly = (auth: AuthContext) => {
  if (!auth.sessionId) throw new AppError("SESSION.NONE", 400, "You are calling with an API key: there is no browser session here.");
  return auth.sessionId;
};

/** Sign-in, sign-out, password change and invitations: how people reach the portal. */
export function peopleRoutes(routes: Routes, people: PeopleService, sessions: Sessions, secureCookies: boolean): void {
  /** A new session's answer: its cookies set, and the audit trail told who signed in. */
  const started = (res: Response, s: IssuedSession) => {
    setSessionCookies(res, s, secureCookies);
    res.locals.organizationId = s.organization.id;
    res.locals.userId = s.user.id;
    res.locals.sessionId = s.id;
    return { user: userView(s.user), organization: organizationView(s.organization), csrfToken: s.csrfToken };
  };

  routes.addPublic({
    method: "post",
    path: "/v1/sessions",
    operationId: "onboarding.signIn",
    summary: "Sign in with email and password: a new session (httpOnly cookie) and its CSRF token. Throttled per account and per address.",
    description:
      "For the portal: sets an httpOnly session cookie and answers the user, the organization and a CSRF token that every later write of this session sends back in `X-CSRF-Token`. When the email and password open accounts in several organizations, name one with `organizationId` (409 SESSION.ORGANIZATION_REQUIRED lists them). 401 SESSION.CREDENTIALS_INVALID for a wrong email or password; 429 after too many attempts for the account or from the address. Integrations use API keys instead.",
    tag: TAG,
    body: SignIn,
    status: 201,
    response: SessionView,
    handler: async ({ body, req, res }) => started(res, await sessions.signIn(body.email, body.password, clientOf(req), body.organizationId)),
  });

  routes.add({
    method: "delete",
    path: "/v1/sessions/current",
    operationId: "onboarding.signOut",
    summary: "Sign out: this browser session ends",
    description:
      "Ends the session the request is made with and clears its cookies. With an API key there is no session: 400 SESSION.NONE.",
    tag: TAG,
    anyDuty: true,
    status: 204,
    handler: async ({ auth, res }) => {
      await sessions.end(sessionOnly(auth), "signed out");
      setSessionCookies(res, null, secureCookies);
      return undefined;
    },
  });

  routes.add({
    method: "post",
    path: "/v1/me/password",
    operationId: "onboarding.changePassword",
    summary: "Change your password: every session of yours ends; this browser gets a new one",
    description:
      "Needs the current password (403 SESSION.PASSWORD_WRONG otherwise) and a browser session (400 SESSION.NONE with an API key). Ends every session of yours, everywhere, and answers a new session for this browser, as signing in does.",
    tag: TAG,
    anyDuty: true,
    body: PasswordChange,
    status: 201,
    response: SessionView,
    handler: async ({ auth, body, req, res }) => {
      sessionOnly(auth);
      return started(res, await sessions.changePassword(auth.user.id, body.currentPassword, body.newPassword, clientOf(req)));
    },
  });

  routes.add({
    method: "post",
    path: "/v1/organizations/:id/invitations",
    operationId: "onboarding.invite",
    summary:
      "Invite a person to an organization with a duty (its admins who are approvers; the operator only a new organization's first admin, while it has none). The link's token is shown once.",
    description:
      "Answers an invitation with its token, shown once: send the person the link. It expires after 7 days; accepting it (POST /v1/invitations/acceptance) sets their password and signs them in. 409 USER.DUPLICATE if the email already signs in to the organization.",
    tag: TAG,
    params: Id,
    body: InvitationCreate,
    status: 201,
    response: InvitationIssued,
    handler: async ({ auth, params, body }) => {
      const { invitation, token } = await people.invite(auth, params.id, body);
      return { ...invitation, expiresAt: invitation.expiresAt.toISOString(), token };
    },
  });

  routes.addPublic({
    method: "post",
    path: "/v1/invitations/acceptance",
    operationId: "onboarding.acceptInvitation",
    summary: "Accept an invitation: choose a password; the new user is signed in",
    description:
      "With the invitation's token and a new password: the person becomes a user of the organization with the role and duty they were invited with, and is signed in (as POST /v1/sessions answers). 404 INVITATION.INVALID for a token that is unknown, used or expired.",
    tag: TAG,
    body: InvitationAcceptance,
    status: 201,
    response: SessionView,
    handler: async ({ body, req, res }) => started(res, await people.accept(body.token, body.password, clientOf(req))),
  });

  routes.add({
    method: "post",
    path: "/v1/organizations/:id/users/:userId/duty",
    operationId: "onboarding.changeDuty",
    summary: "Change a user's duty (its organization's admins who are approvers)",
    description:
      "viewer reads; clerk prepares actions that need an approver as drafts; approver does them. The change applies from the user's next request, whatever their credential (session or API key).",
    tag: TAG,
    params: z.object({ id: Uuid, userId: Uuid }).strict(),
    body: DutyChange,
    status: 200,
    response: UserView,
    handler: async ({ auth, params, body }) => userView(await people.changeDuty(auth, params.id, params.userId, body.duty)),
  });
}
