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

/** Supplier A's invoices to core A. */
const probes: BadInputProbe[] = [
  { endpoint: "POST /v1/invoices", context: ({ w }) => ({ key: w.A.adminKey, body: () => invoice(w) }) },
  { endpoint: "POST /v1/invoices/batch", context: ({ w, operation }) => ({ key: w.A.adminKey, body: () => ({ invoices: [{ ...(sample(operation("POST /v1/invoices/batch").body!.properties!.invoices.items!) as object), ...invoice(w) }] }) }) },
  { endpoint: "GET /v1/invoices", context: ({ w }) => ({ key: w.A.adminKey, query: { limit: "10", after: undefined } }) },
  { endpoint: "GET /v1/invoices/{id}", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.biz.invoices.usedA[0] }, foreign: { id: w.biz.invoices.usedB[0] } }) },
];

export const invoices: ProbeTable = { tag: "Invoices", probes };
