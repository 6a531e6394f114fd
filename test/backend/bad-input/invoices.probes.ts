import { randomBytes } from "node:crypto";
import { SEED_USCC, sample } from "../support/openapi-probe";
import type { BadInputProbe, ProbeTable } from "./probe";
import type { World } from "./world";

/** A valid invoice of supplier A to core A, with a number nobody has used. */
const invoice = (w: World) => ({
  invoiceNumber: `2650${Array.from(randomBytes(16), (b) => b % 10).join("")}`,
  invoiceCode: undefined,
  sellerTaxId: w.A.uscc,
  buyerTaxId: SEED_USCC.coreA,
});

/** A tax-platform CSV (Chinese headers, yuan) of one such invoice, base64 as POST /v1/invoices/files takes it. */
const file = (w: World) => {
  const i = invoice(w);
  const csv = `数电发票号码,销方识别号,购方识别号,开票日期,金额,税额,价税合计\n${i.invoiceNumber},${i.sellerTaxId},${i.buyerTaxId},2026-11-03,100.00,13.00,113.00\n`;
  return { name: "全量发票查询导出结果.csv", content: Buffer.from(csv, "utf8").toString("base64"), duplicates: "skip", dryRun: false };
};

/** Supplier A's invoices to core A. */
const probes: BadInputProbe[] = [
  { endpoint: "POST /v1/invoices", context: ({ w }) => ({ key: w.A.adminKey, body: () => invoice(w) }) },
  { endpoint: "POST /v1/invoices/batch", context: ({ w, operation }) => ({ key: w.A.adminKey, body: () => ({ invoices: [{ ...(sample(operation("POST /v1/invoices/batch").body!.properties!.invoices.items!) as object), ...invoice(w) }] }) }) },
  { endpoint: "GET /v1/invoices", context: ({ w }) => ({ key: w.A.adminKey, query: { limit: "10", after: undefined } }) },
  { endpoint: "GET /v1/invoices/{id}", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.biz.invoices.usedA[0] }, foreign: { id: w.biz.invoices.usedB[0] } }) },
  { endpoint: "POST /v1/invoices/files", context: ({ w }) => ({ key: w.A.adminKey, body: () => file(w) }) },
  { endpoint: "GET /v1/invoices/files/template", context: ({ w }) => ({ key: w.A.adminKey, query: { format: "xlsx" } }) },
  {
    endpoint: "POST /v1/invoices/{id}/correction",
    context: ({ w, operation }) => ({
      key: w.A.adminKey,
      path: { id: w.biz.invoices.refusedA[0] },
      foreign: { id: w.biz.invoices.refusedB[0] },
      body: () => ({ ...(sample(operation("POST /v1/invoices/{id}/correction").body!) as object), ...invoice(w) }),
    }),
  },
  { endpoint: "DELETE /v1/invoices/{id}", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.biz.invoices.refusedA[1] }, foreign: { id: w.biz.invoices.refusedB[0] } }) },
];

export const invoices: ProbeTable = { tag: "Invoices", probes };
