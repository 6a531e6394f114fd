/**
 * The unread count, kept current without polling: each read after the first is held by the API
 * (`Prefer: wait=25` with the count shown, `known`) until the count moves, so the query refetches
 * as soon as an answer comes and no faster than the server answers.
 */
import { useQuery } from "@tanstack/react-query";
import { get, queryClient } from "../../api/client";

export const UNREAD_KEY = ["notifications", "unread"] as const;
const WAIT = { prefer: "wait=25" };

export function useUnreadCount() {
  return useQuery({
    queryKey: UNREAD_KEY,
    queryFn: async ({ signal }) => {
      const known = queryClient.getQueryData<{ unread: number }>(UNREAD_KEY)?.unread;
      const waiting = known !== undefined;
      const next = await get("/v1/notifications/unread-count", { params: { query: waiting ? { known } : {}, header: waiting ? WAIT : undefined }, signal });
      // the count moved: the list shows what is new
      if (waiting && next.unread !== known) void queryClient.invalidateQueries({ queryKey: ["notifications", "list"] });
      return next;
    },
    // a held read in flight is not restarted: this only starts the next one once it answered
    refetchInterval: (q) => (q.state.status === "error" ? 30_000 : 250),
    refetchOnWindowFocus: true,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
}

/** After marking read here: the count is read again at once (the held read is cancelled). */
export const refreshNotifications = () => queryClient.invalidateQueries({ queryKey: ["notifications"] });
