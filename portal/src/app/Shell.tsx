import { Suspense, useEffect, useRef, useState, type FocusEvent, type MouseEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router-dom";
import { del, queryClient } from "../api/client";
import { LanguageSwitch } from "../shared/LanguageSwitch";
import { Button, Loading } from "../shared/ui";
import { navFor } from "./nav";
import { useSession } from "../shared/session";
import { NotificationBell } from "../modules/notifications/NotificationBell";
import { documentsParts } from "../modules/documents/parts";
import { DocumentsPartsProvider } from "../shared/signing";

/**
 * The signed-in frame: a top bar, the navigation and the page. On a desktop the navigation is a
 * column beside the page; on a phone (≤ 720 px, app.css) the bar is one line and the navigation a
 * drawer the menu button opens, holding also the person, the password link and sign-out.
 */
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
  const drawer = useDrawer();
  const person = (
    <>
      <span className="user-name">{session.user.name}</span>
      <span className="user-duty">
        {t(`duty.${session.duty}`)}
        {session.isAdmin ? ` · ${t("duty.admin")}` : ""}
      </span>
    </>
  );
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t("shell.skip")}
      </a>
      <header className="topbar">
        <button type="button" className="menu-btn" ref={drawer.button} aria-expanded={drawer.open} aria-controls="nav-drawer" aria-label={t("shell.nav")} onClick={drawer.toggle}>
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path d="M3 6h18M3 12h18M3 18h18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
        </button>
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            CF
          </span>
          <span className="brand-name">{t("app.name")}</span>
        </Link>
        <div className="topbar-org">
          <span className="org-name">{session.organization.legalName}</span>
          <span className="org-roles">{session.roles.map((r) => t(`role.${r}`)).join(" · ")}</span>
        </div>
        <div className="topbar-user">{person}</div>
        <NotificationBell />
        <LanguageSwitch />
        <Link to="/account/password" className="topbar-link topbar-account">
          {t("shell.password")}
        </Link>
        <Button variant="secondary" className="topbar-account" onClick={() => signOut.mutate()} busy={signOut.isPending}>
          {t("shell.signOut")}
        </Button>
      </header>
      <div className="body">
        <div id="nav-drawer" className={drawer.open ? "drawer open" : "drawer"} ref={drawer.panel} onClick={drawer.onClick} onBlur={drawer.onBlur}>
          <div className="drawer-head">
            <span className="org-name">{session.organization.legalName}</span>
            <button type="button" className="drawer-close" aria-label={t("action.close")} onClick={drawer.close}>
              <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
                <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
              </svg>
            </button>
          </div>
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
          <div className="drawer-account">
            <div className="drawer-person">{person}</div>
            <Link to="/account/password" className="drawer-link">
              {t("shell.password")}
            </Link>
            <Button variant="secondary" onClick={() => signOut.mutate()} busy={signOut.isPending}>
              {t("shell.signOut")}
            </Button>
          </div>
        </div>
        {drawer.open ? <div className="drawer-backdrop" aria-hidden="true" onClick={drawer.close} /> : null}
        <main id="main" className="main" tabIndex={-1}>
          <DocumentsPartsProvider parts={documentsParts}>
            <Suspense fallback={<Loading />}>
              <Outlet />
            </Suspense>
          </DocumentsPartsProvider>
        </main>
      </div>
    </div>
  );
}

/**
 * The phone's navigation drawer: the menu button opens it (focus goes to its first link) and closes
 * it; Escape, the close button, a tap beside it or following a link close it (focus back on the
 * menu button, unless a link moved it to the new page).
 */
function useDrawer() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const location = useLocation();
  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>("nav a")?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return {
    open,
    button,
    panel,
    close,
    toggle: () => (open ? close() : setOpen(true)),
    /** Focus gone elsewhere in the page (Tab past its last control) closes the drawer: what it covers is not where the keyboard is. */
    onBlur: (e: FocusEvent) => {
      const to = e.relatedTarget as Node | null;
      if (open && to && !e.currentTarget.contains(to) && to !== button.current) setOpen(false);
    },
    /** A link followed (even to the page already shown) closes the drawer. */
    onClick: (e: MouseEvent) => {
      if ((e.target as Element).closest("a")) setOpen(false);
    },
  };
}
