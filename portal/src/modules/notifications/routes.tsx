/** Notifications: the bell in the top bar (NotificationBell, in the shell) and the person's list. */
import { lazy } from "react";
import type { DomainModule } from "../../shared/module";

const NotificationsPage = lazy(() => import("./NotificationsPage").then((m) => ({ default: m.NotificationsPage })));

export const notificationsModule: DomainModule = {
  id: "notifications",
  routes: [{ path: "notifications", element: <NotificationsPage /> }],
  nav: [],
};
