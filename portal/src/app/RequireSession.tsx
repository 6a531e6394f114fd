import { useQuery } from "@tanstack/react-query";
import { Navigate, useLocation } from "react-router-dom";
import type { ReactNode } from "react";
import { get, isProblem } from "../api/client";
import { ProblemMessage, Loading } from "../shared/ui";
import { ME_KEY, SessionProvider, toSession } from "../shared/session";

/** The signed-in part of the portal: the person is known, or they go to the sign-in page. */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const me = useQuery({ queryKey: ME_KEY, queryFn: () => get("/v1/me"), staleTime: 60_000 });
  if (me.error) {
    if (isProblem(me.error, 401)) return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
    return (
      <main className="center-page">
        <ProblemMessage error={me.error} />
      </main>
    );
  }
  if (!me.data) {
    return (
      <main className="center-page">
        <Loading />
      </main>
    );
  }
  return <SessionProvider session={toSession(me.data)}>{children}</SessionProvider>;
}
