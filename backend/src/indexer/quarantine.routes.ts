import { z, type ApiTag } from "../shared/http/openapi";
import type { Routes } from "../shared/http/route";
import type { QuarantineReader } from "./quarantine";

const QuarantinedEvent = z
  .object({
    chainEventId: z.string(),
    contract: z.string(),
    name: z.string(),
    args: z.record(z.string(), z.unknown()).openapi({ description: "The event's arguments as decoded (integers as decimal strings)." }),
    blockNumber: z.string(),
    txHash: z.string(),
    logIndex: z.number().int(),
    error: z.string().openapi({ description: "Why its projection failed, or which quarantined event it follows." }),
    afterEventId: z.string().nullable().openapi({ description: "The quarantined event this one waits for (it touches the same certificate, line or organization), or null." }),
    at: z.string(),
  })
  .openapi("QuarantinedChainEvent");

const TAG: ApiTag = {
  name: "Operations",
  description: "For the operator and auditors: how the platform itself is doing, such as chain events the indexer could not project.",
};

/** The indexer's quarantine: chain events it could not project, for the operator and auditors. */
export function quarantineRoutes(routes: Routes, reader: QuarantineReader): void {
  routes.add({
    method: "get",
    path: "/v1/indexer/quarantine",
    operationId: "indexer.listQuarantine",
    summary: "Chain events the indexer could not project and set aside, oldest first (the rest of the chain is projected)",
    description:
      "An event whose projection failed is set aside with its error, and later events touching the same certificate, credit line or organization wait behind it (`afterEventId`), so nothing is projected out of order. `total` counts them all. Their effect is on the ledger but not in the platform's reads; `/metrics` counts them too.",
    tag: TAG,
    roles: ["operator", "auditor"],
    status: 200,
    response: z.object({ total: z.number().int(), items: z.array(QuarantinedEvent) }),
    handler: async () => {
      const { total, items } = await reader.list();
      return { total, items: items.map((q) => ({ ...q, at: new Date(q.at).toISOString() })) };
    },
  });
}
