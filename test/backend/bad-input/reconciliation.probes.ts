import { randomBytes } from "node:crypto";
import type { BadInputProbe, ProbeTable } from "./probe";

/** Bank A's statements and reconciliation report. */
const probes: BadInputProbe[] = [
  { endpoint: "GET /v1/reconciliation/report", context: ({ w }) => ({ key: w.biz.m.bankA.key, query: { date: w.biz.today, format: "json", bankId: undefined } }) },
  {
    endpoint: "POST /v1/reconciliation/statements",
    context: ({ w }) => ({
      key: w.biz.m.bankA.key,
      body: () => ({ date: w.biz.today, csv: `value_date,reference,type,amount,counterparty,bank_reference\n${w.biz.today},${w.biz.fin.A1},advance,1000,,BK-${randomBytes(4).toString("hex")}\n` }),
    }),
  },
  { endpoint: "GET /v1/reconciliation/statements", context: ({ w }) => ({ key: w.biz.m.bankA.key, query: { date: w.biz.today, bankId: undefined } }) },
];

export const reconciliation: ProbeTable = { tag: "Reconciliation", probes };
