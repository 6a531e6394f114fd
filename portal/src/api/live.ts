/**
 * Following a ledger operation or a financing to its outcome. The API holds the request open
 * (`Prefer: wait=20`) until the status changes, so each refetch is a long poll: the query refetches
 * only while the status is not final, and never faster than the server answers.
 */
import { useQueries, useQuery, type UseQueryOptions } from "@tanstack/react-query";
import { get, queryClient, type Schemas } from "./client";

export type Operation = Schemas["Operation"];
export type Financing = Schemas["Financing"];

export type LiveTarget = { kind: "operation"; id: string } | { kind: "financing"; id: string };
type LiveData = Operation | Financing;

const FINAL = new Set(["mined", "failed", "funded"]);
export const isFinal = (status: string | undefined): boolean => status !== undefined && FINAL.has(status);

const WAIT = { prefer: "wait=20" };

export const liveKey = (t: LiveTarget) => ["live", t.kind, t.id] as const;

let refreshing: ReturnType<typeof setTimeout> | null = null;
/**
 * An outcome arrived: the ledger moved, and "mined" means visible in every read of the API, so
 * every view on screen is read again (once for a burst, as when a batch of operations lands).
 */
function refreshViews(): void {
  if (refreshing) return;
  refreshing = setTimeout(() => {
    refreshing = null;
    void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "live" });
  }, 100);
}

function liveOptions(t: LiveTarget | null): UseQueryOptions<LiveData> {
  return {
    queryKey: t ? liveKey(t) : ["live", "none"],
    enabled: t !== null,
    queryFn: async () => {
      if (!t) throw new Error("no target");
      // The first read answers at once; later reads wait for the next change.
      const known = queryClient.getQueryData<LiveData>(liveKey(t));
      const header = known && !isFinal(known.status) ? WAIT : undefined;
      const next: LiveData =
        t.kind === "operation"
          ? await get("/v1/operations/{id}", { params: { path: { id: t.id }, header } })
          : await get("/v1/financings/{id}", { params: { path: { id: t.id }, header } });
      if (isFinal(next.status) && !isFinal(known?.status)) refreshViews();
      return next;
    },
    // Refetching a long poll in flight is deduplicated: this only restarts one once it answered.
    refetchInterval: (q) => (isFinal(q.state.data?.status) || q.state.status === "error" ? false : 250),
    refetchIntervalInBackground: true,
    staleTime: 0,
  };
}

/** One operation or financing, live until mined/funded or failed. */
export function useLive(target: LiveTarget | null) {
  const q = useQuery(liveOptions(target));
  return { ...q, final: isFinal(q.data?.status) };
}

/** Many at once (a batch): each followed on its own; `done` counts the final ones. */
export function useLiveMany(targets: LiveTarget[]) {
  const results = useQueries({ queries: targets.map((t) => liveOptions(t)) });
  const done = results.filter((r) => isFinal(r.data?.status)).length;
  const failed = results.filter((r) => r.data?.status === "failed").length;
  return { results, done, failed, total: targets.length, final: done === targets.length };
}

/** A ledger operation, live until mined or failed. */
export function useLiveOperation(id: string | null | undefined) {
  const q = useLive(id ? { kind: "operation", id } : null);
  return { ...q, data: q.data as Operation | undefined };
}

/** A financing, live until funded or failed. */
export function useLiveFinancing(id: string | null | undefined) {
  const q = useLive(id ? { kind: "financing", id } : null);
  return { ...q, data: q.data as Financing | undefined };
}
