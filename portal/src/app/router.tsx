import { createBrowserRouter } from "react-router-dom";
import { queryClient, setUnauthenticatedHandler } from "../api/client";
import { Home } from "./Home";
import { MODULES } from "./modules";
import { NotFound } from "../shared/NotFound";
import { RequireSession } from "./RequireSession";
import { Shell } from "./Shell";

export const router = createBrowserRouter(
  [
    ...MODULES.flatMap((m) => m.publicRoutes ?? []),
    {
      path: "/",
      element: (
        <RequireSession>
          <Shell />
        </RequireSession>
      ),
      children: [{ index: true, element: <Home /> }, ...MODULES.flatMap((m) => m.routes), { path: "*", element: <NotFound /> }],
    },
  ],
  { basename: "/portal" },
);

// A session that ended elsewhere (expired, signed out in another tab, password changed): forget
// everything read with it and ask to sign in again, coming back here afterwards.
setUnauthenticatedHandler(() => {
  const from = window.location.pathname.replace(/^\/portal/, "") + window.location.search;
  queryClient.clear();
  void router.navigate("/signin", { replace: true, state: { from } });
});
