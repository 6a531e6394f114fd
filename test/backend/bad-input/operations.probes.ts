import type { BadInputProbe, ProbeTable } from "./probe";

/** The indexer's quarantine, for the operator. */
const probes: BadInputProbe[] = [
  { endpoint: "GET /v1/indexer/quarantine", context: ({ w }) => ({ key: w.operatorKey }) },
];

export const operations: ProbeTable = { tag: "Operations", probes };
