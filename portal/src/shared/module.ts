/**
 * What a domain folder gives the app: its routes (inside the signed-in shell, paths relative to
 * /portal/), routes open without a session, its navigation entries, and the home section it shows
 * an organization of a given role. `app/modules.ts` lists the domains; nothing else needs editing
 * when a domain grows pages.
 */
import type { ComponentType } from "react";
import type { RouteObject } from "react-router-dom";

export const ORG_ROLES = ["operator", "core_enterprise", "supplier", "bank", "settlement_issuer", "auditor"] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export const DUTIES = ["viewer", "clerk", "approver"] as const;
export type Duty = (typeof DUTIES)[number];

export interface NavEntry {
  to: string;
  /** A catalogue key with its namespace: "invoices:nav.list". */
  label: string;
  /** Shown only to organizations holding one of these roles (absent: every organization). */
  roles?: OrgRole[];
  /** Shown only to people with one of these duties (absent: every duty). */
  duties?: Duty[];
  /** Shown only to the organization's admins. */
  adminOnly?: boolean;
  /** Lower first; ties keep the modules' order. */
  order?: number;
  /** A count shown beside the label (what waits for the person there), or nothing. */
  Count?: ComponentType;
}

export interface HomeSection {
  role: OrgRole;
  Component: ComponentType;
}

export interface DomainModule {
  id: string;
  routes: RouteObject[];
  publicRoutes?: RouteObject[];
  nav: NavEntry[];
  homes?: HomeSection[];
}
