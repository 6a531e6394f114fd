import { isCalendarDate } from "../../../backend/src/shared/http/dates";
import type { BadInputProbe, ProbeTable } from "./probe";

const DAY_FILE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}(\.jsonl|\.csv)?$/;
const yesterday = (today: string) => new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** The regulator's feed, its day files and the abnormal flows (the auditor reads them), and held funds (the settlement issuer). */
const probes: BadInputProbe[] = [
  { endpoint: "GET /v1/conformity/feed", context: ({ w }) => ({ key: w.biz.m.auditor.key, query: { after: 0, limit: 10 } }) },
  {
    endpoint: "GET /v1/conformity/feed/days/{day}",
    context: ({ w }) => ({
      key: w.biz.m.auditor.key,
      path: { day: `${yesterday(w.biz.today)}.jsonl` },
      query: { format: undefined },
      // a real day may have a file (a day that is over): only what is no day at all is "a file that does not exist"
      exists: (v) => !DAY_FILE.test(v) || isCalendarDate(v.slice(0, 10)),
    }),
  },
  { endpoint: "GET /v1/conformity/abnormal-flows", context: ({ w }) => ({ key: w.biz.m.auditor.key, query: { from: yesterday(w.biz.today), to: w.biz.today } }) },
  { endpoint: "GET /v1/conformity/held-funds", context: ({ w }) => ({ key: w.biz.m.issuer.key }) },
  { endpoint: "GET /v1/conformity/payment-terms", context: ({ w }) => ({ key: w.biz.m.auditor.key }) },
];

export const conformity: ProbeTable = { tag: "Conformity", probes };
