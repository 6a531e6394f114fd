/** The consortium operator: onboarding queue and members, an organization's KYC, suspension and reinstatement, new organizations, system health. */
import { lazy, type ComponentType } from "react";
import type { DomainModule } from "../../shared/module";
import "./operator.css";

const lazyPage = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const OrganizationsPage = lazyPage(() => import("./OrganizationsPage"), "OrganizationsPage");
const OrganizationPage = lazyPage(() => import("./OrganizationPage"), "OrganizationPage");
const CreateOrganizationPage = lazyPage(() => import("./CreateOrganizationPage"), "CreateOrganizationPage");
const SystemPage = lazyPage(() => import("./SystemPage"), "SystemPage");
const OperatorHome = lazyPage(() => import("./OperatorHome"), "OperatorHome");

export const operatorModule: DomainModule = {
  id: "operator",
  routes: [
    { path: "operator", element: <OrganizationsPage /> },
    { path: "operator/organizations/new", element: <CreateOrganizationPage /> },
    { path: "operator/organizations/:id", element: <OrganizationPage /> },
    { path: "operator/system", element: <SystemPage /> },
  ],
  nav: [
    { to: "/operator", label: "operator:nav.organizations", roles: ["operator"], order: 2 },
    { to: "/operator/system", label: "operator:nav.system", roles: ["operator"], order: 90 },
  ],
  homes: [{ role: "operator", Component: OperatorHome }],
};
