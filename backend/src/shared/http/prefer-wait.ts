import { z } from "./openapi";
import { preferredWait, MAX_WAIT_S, type ChangeFeed } from "../changes";
import type { RouteContext } from "./route";

/** The request header of a read that may wait for a change (documented in /openapi.json). */
export const PreferWait = z.object({
  prefer: z
    .string()
    .optional()
    .openapi({
      description: `RFC 7240 \`wait=N\`: answer as soon as the status changes, or after N seconds (at most ${MAX_WAIT_S}) with the status unchanged. Instead of polling.`,
      example: "wait=10",
    }),
});

/**
 * Answers a read of something with a `status` that honours `Prefer: wait=N`: at once if the status
 * is one of `final`, else when it changes (read again on every change notice) or when the wait is
 * over. Says which preference it applied.
 */
export async function readWaiting<T extends { status: string }>(
  ctx: Pick<RouteContext<unknown, unknown, unknown>, "req" | "res">,
  changes: ChangeFeed,
  read: () => Promise<T>,
  final: string[],
): Promise<T> {
  const wait = preferredWait(ctx.req.get("prefer"));
  ctx.res.vary("Prefer");
  if (wait > 0) ctx.res.set("Preference-Applied", `wait=${wait}`);
  return changes.until(read, (v) => v.status, (v) => final.includes(v.status), wait);
}
