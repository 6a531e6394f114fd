import { Suspense } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Outlet, useNavigate } from "react-router-dom";
import { del, queryClient } from "../api/client";
import { LanguageSwitch } from "../shared/LanguageSwitch";
import { Button, Loading } from "../shared/ui";
import { navFor } from "./nav";
import { useSession } from "../shared/session";
import { NotificationBell } from "../modules/notifications/NotificationBell";

export function Shell() {
  const { t } = useTranslation("common");
  const session = useSession();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: () => del("/v1/sessions/current"),
    onSettled: () => {
      queryClient.clear();
      navigate("/signin", { replace: true });
    },
  });
  const nav = navFor(session);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t("shell.skip")}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            CF
          </span>
          <span>{t("app.name")}</span>
        </Link>
        <div className="topbar-org">
          <span className="org-name">{session.organization.legalName}</span>
          <span className="org-roles">{session.roles.map((r) => t(`role.${r}`)).join(" · ")}</span>
        </div>
        <div className="topbar-user">
          <span className="user-name">{session.user.name}</span>
          <span className="user-duty">
            {t(`duty.${session.duty}`)}
            {session.isAdmin ? ` · ${t("duty.admin")}` : ""}
          </span>
        </div>
        <NotificationBell />
        <LanguageSwitch />
        <Link to="/account/password" className="topbar-link">
          {t("shell.password")}
        </Link>
        <Button variant="secondary" onClick={() => signOut.mutate()} busy={signOut.isPending}>
          {t("shell.signOut")}
        </Button>
      </header>
      <div className="body">
        <nav className="sidenav" aria-label={t("shell.nav")}>
          <ul>
            <li>
              <NavLink to="/" end>
                {t("nav.home")}
              </NavLink>
            </li>
            {nav.map((e) => (
              <li key={e.to}>
                <NavLink to={e.to} end>
                  {t(e.label)}
                  {e.Count ? <e.Count /> : null}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="main" tabIndex={-1}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}
