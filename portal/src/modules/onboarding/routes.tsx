/** Sign-in, invitations, password, and the organization's people. */
import { lazy } from "react";
import type { DomainModule } from "../../shared/module";

const SignInPage = lazy(() => import("./SignInPage").then((m) => ({ default: m.SignInPage })));
const InvitationPage = lazy(() => import("./InvitationPage").then((m) => ({ default: m.InvitationPage })));
const ChangePasswordPage = lazy(() => import("./ChangePasswordPage").then((m) => ({ default: m.ChangePasswordPage })));
const UsersPage = lazy(() => import("./UsersPage").then((m) => ({ default: m.UsersPage })));

export const onboardingModule: DomainModule = {
  id: "onboarding",
  publicRoutes: [
    { path: "/signin", element: <SignInPage /> },
    { path: "/invitation/:token", element: <InvitationPage /> },
  ],
  routes: [
    { path: "account/password", element: <ChangePasswordPage /> },
    { path: "organization/users", element: <UsersPage /> },
  ],
  nav: [{ to: "/organization/users", label: "onboarding:nav.users", adminOnly: true, order: 90 }],
};
