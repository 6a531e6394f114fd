import type { BadInputProbe, ProbeTable } from "./probe";

/** Settlement tokens: the issuer mints, members move their own. */
const probes: BadInputProbe[] = [
  { endpoint: "POST /v1/settlement/deposits", context: ({ w }) => ({ key: w.biz.m.issuer.key, body: () => ({ organizationId: w.A.orgId, amount: "100" }) }) },
  { endpoint: "POST /v1/settlement/withdrawals", context: ({ w }) => ({ key: w.biz.m.bankA.key, body: () => ({ amount: "100" }) }) },
  {
    endpoint: "POST /v1/settlement/payout-account",
    context: ({ w }) => ({ key: w.biz.m.bankA.key, body: () => ({ bankName: "中国工商银行", branch: "重庆两江支行", accountName: "渝州银行", accountNumber: "6222 0210 0920 0123" }) }),
  },
  { endpoint: "GET /v1/settlement/payout-account", context: ({ w }) => ({ key: w.A.adminKey, query: { organizationId: undefined } }) },
  { endpoint: "POST /v1/settlement/repayment-authorization", context: ({ w }) => ({ key: w.biz.m.coreA.key, body: () => ({ amount: "100" }) }) },
  { endpoint: "GET /v1/settlement/account", context: ({ w }) => ({ key: w.A.adminKey, query: { organizationId: undefined } }) },
  { endpoint: "GET /v1/settlement/movements", context: ({ w }) => ({ key: w.A.adminKey, query: { limit: "10", organizationId: undefined } }) },
  { endpoint: "GET /v1/settlement/repayment-coverage", context: ({ w }) => ({ key: w.biz.m.coreA.key }) },
];

export const settlement: ProbeTable = { tag: "Settlement", probes };
