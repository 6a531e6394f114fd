/** Clearing: certificates past maturity (overdue, defaulted, settled), defaults and recourse claims, each certificate's clearing history. */
import { lazy, type ComponentType } from "react";
import type { DomainModule } from "../../shared/module";

const lazyPage = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const ClearingPage = lazyPage(() => import("./ClearingPage"), "ClearingPage");
const ClearingHistoryPage = lazyPage(() => import("./ClearingHistoryPage"), "ClearingHistoryPage");

export const clearingModule: DomainModule = {
  id: "clearing",
  routes: [
    { path: "clearing", element: <ClearingPage /> },
    { path: "clearing/:id", element: <ClearingHistoryPage /> },
  ],
  nav: [{ to: "/clearing", label: "clearing:nav.clearing", roles: ["bank", "supplier", "operator"], order: 60 }],
  homes: [],
};
