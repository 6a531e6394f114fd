import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Stack } from "./stack";
import { eventually } from "./http";
import { developmentFacts } from "../../../backend/src/ops/onboarding-facts";

const SEEDS = join(__dirname, "../../../seeds");
/** The seed invoices' core enterprise and one of its suppliers (their unified social credit codes). */
export const CORE_USCC = "91500112MA8Q2595Y2";
export const SUPPLIER_USCC = "91500109MATD0HX58F";

/** A seed invoice from the supplier to the core enterprise that the local tax bureau confirms and no registry filing blocks. */
export function cleanSeedInvoice() {
  const invoices = JSON.parse(readFileSync(join(SEEDS, "invoices.json"), "utf8")).invoices as { invoice: Record<string, any>; expected?: string }[];
  const tax = new Map((JSON.parse(readFileSync(join(SEEDS, "tax-bureau.json"), "utf8")).invoices as Record<string, any>[]).map((i) => [i.invoiceNumber, i]));
  const filed = new Set((JSON.parse(readFileSync(join(SEEDS, "registry.json"), "utf8")).filings as { invoice: { invoiceNumber: string } }[]).map((f) => f.invoice.invoiceNumber));
  const { invoice } = invoices.find(({ invoice: i, expected }) => {
    const t = tax.get(i.invoiceNumber);
    return !expected && i.sellerTaxId === SUPPLIER_USCC && i.buyerTaxId === CORE_USCC && i.invoiceNumber.length === 20 && !i.waybillNumbers?.length && !filed.has(i.invoiceNumber) && t?.status === "normal" && t.total === i.total;
  })!;
  const { waybillNumbers: _w, ...rest } = invoice;
  return rest;
}

/** Onboards an organization with a given unified social credit code (the seed invoices name theirs); its first admin's key. */
export async function onboardAs(stack: Stack, name: string, roles: string[], uscc: string) {
  const op = { key: stack.operatorKey };
  const created = await stack.api.post("/v1/organizations", { legalName: name, unifiedSocialCreditCode: uscc, roles, contacts: [], ...developmentFacts(roles) }, op);
  if (created.status !== 201) throw new Error(`create organization: ${created.status} ${JSON.stringify(created.body)}`);
  const orgId = created.body.id as string;
  const approved = await stack.api.post(`/v1/organizations/${orgId}/kyc-approval`, {}, op);
  if (approved.status !== 202) throw new Error(`approve KYC: ${approved.status} ${JSON.stringify(approved.body)}`);
  await eventually(async () => (await stack.api.get(`/v1/organizations/${orgId}`, op)).body.status === "active", 30_000, `${name} to become active`);
  return { orgId, key: (await stack.firstAdmin(orgId, undefined, roles)).key };
}

/** The supplier registers a receivable on the core enterprise from a verified seed invoice; its id once Pending. */
export async function registerReceivable(stack: Stack, supplier: { key: string }, coreId: string): Promise<string> {
  const as = { key: supplier.key };
  const inv = await stack.api.post("/v1/invoices", cleanSeedInvoice(), as);
  if (inv.status !== 202) throw new Error(`invoice: ${inv.status} ${JSON.stringify(inv.body)}`);
  await eventually(async () => (await stack.api.get(`/v1/invoices/${inv.body.id}`, as)).body.status === "verified", 30_000, "the invoice to be verified");
  const maturity = new Date(Date.now() + 30 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
  const reg = await stack.api.post("/v1/receivables", { items: [{ obligorId: coreId, invoiceIds: [inv.body.id], maturityDate: maturity }] }, as);
  if (reg.status !== 202) throw new Error(`registration: ${reg.status} ${JSON.stringify(reg.body)}`);
  const id = reg.body.items[0].receivable.id as string;
  await eventually(async () => (await stack.api.get(`/v1/receivables/${id}`, as)).body.status === "pending", 30_000, "registration");
  return id;
}
