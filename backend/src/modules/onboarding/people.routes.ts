import type { Request, Response } from "express";
import { z } from "../../shared/http/openapi";
import { AppError } from "../../shared/errors";
import type { Routes } from "../../shared/http/route";
import type { AuthContext } from "../../shared/http/auth";
import { Id, Uuid } from "./onboarding.schemas";
import { organizationView, userView } from "./onboarding.views";
import { setSessionCookies } from "./authentication";
import type { PeopleService } from "./people.service";
import type { IssuedSession, Sessions } from "./sessions";
import { DutyChange, InvitationAcceptance, InvitationCreate, InvitationIssued, PasswordChange, SessionView, SignIn } from "./people.schemas";
import { UserView } from "./onboarding.schemas";

const TAG = "People and sessions";

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
    summary: "Sign in with email and password: a new session (httpOnly cookie) and its CSRF token. Throttled per account and per address.",
    tag: TAG,
    body: SignIn,
    status: 201,
    response: SessionView,
    handler: async ({ body, req, res }) => started(res, await sessions.signIn(body.email, body.password, clientOf(req), body.organizationId)),
  });

  routes.add({
    method: "delete",
    path: "/v1/sessions/current",
    summary: "Sign out: this browser session ends",
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
    summary: "Change your password: every session of yours ends; this browser gets a new one",
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
    summary:
      "Invite a person to an organization with a duty (its admins who are approvers; the operator only a new organization's first admin, while it has none). The link's token is shown once.",
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
    summary: "Accept an invitation: choose a password; the new user is signed in",
    tag: TAG,
    body: InvitationAcceptance,
    status: 201,
    response: SessionView,
    handler: async ({ body, req, res }) => started(res, await people.accept(body.token, body.password, clientOf(req))),
  });

  routes.add({
    method: "post",
    path: "/v1/organizations/:id/users/:userId/duty",
    summary: "Change a user's duty (its organization's admins who are approvers)",
    tag: TAG,
    params: z.object({ id: Uuid, userId: Uuid }).strict(),
    body: DutyChange,
    status: 200,
    response: UserView,
    handler: async ({ auth, params, body }) => userView(await people.changeDuty(auth, params.id, params.userId, body.duty)),
  });
}
