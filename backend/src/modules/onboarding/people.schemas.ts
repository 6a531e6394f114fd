import { z } from "../../shared/http/openapi";
import { DUTIES } from "./onboarding.entity";
import { OrganizationView, UserView } from "./onboarding.schemas";
import { PASSWORD_MAX, PASSWORD_MIN } from "./passwords";

const Email = z.string().trim().toLowerCase().email("must be an email address").max(200);
const NewPassword = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`)
  .openapi({ description: `${PASSWORD_MIN} to ${PASSWORD_MAX} characters.` });

export const SignIn = z
  .object({
    email: Email,
    password: z.string().min(1).max(PASSWORD_MAX),
    organizationId: z
      .string()
      .uuid()
      .optional()
      .openapi({
        description:
          "Only when the email and password open accounts in several organizations (409 SESSION.ORGANIZATION_REQUIRED): the one to sign in to. That problem lists them in `organizations`: [{ id, legalName }] (and, as text, in `errors`: one `body.organizationId` entry \"<id>: <legal name>\" each).",
      }),
  })
  .strict()
  .openapi("SignIn");

export const SessionView = z
  .object({
    user: UserView,
    organization: OrganizationView,
    csrfToken: z.string().openapi({ description: "Send it back in X-CSRF-Token on every change (also in the cf_csrf cookie)." }),
  })
  .openapi("Session");

export const PasswordChange = z.object({ currentPassword: z.string().min(1).max(PASSWORD_MAX), newPassword: NewPassword }).strict().openapi("PasswordChange");

export const InvitationCreate = z
  .object({ email: Email, name: z.string().trim().min(1).max(100), duty: z.enum(DUTIES), role: z.enum(["admin", "member"]).default("member") })
  .strict()
  .openapi("InvitationCreate");

export const InvitationIssued = z
  .object({
    id: z.string().uuid(),
    organizationId: z.string().uuid(),
    email: z.string(),
    name: z.string(),
    duty: z.enum(DUTIES),
    role: z.enum(["admin", "member"]),
    expiresAt: z.string(),
    token: z.string().openapi({ description: "Shown once: the person accepts with it (portal link /portal/invitation/<token>)." }),
  })
  .openapi("InvitationIssued");

export const InvitationAcceptance = z
  .object({ token: z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, "must be the token of an invitation link"), password: NewPassword })
  .strict()
  .openapi("InvitationAcceptance");

export const DutyChange = z.object({ duty: z.enum(DUTIES) }).strict().openapi("DutyChange");
