import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import { Uuid } from "../../shared/http/schemas";
import { invoiceView } from "../invoices";
import type { Dossier, DossierService } from "./dossier.service";

const Fen = z.string().openapi({ description: "Fen, as a decimal string." });

const DossierInvoice = z.object({
  invoiceNumber: z.string(),
  invoiceCode: z.string().nullable(),
  issueDate: z.string(),
  sellerTaxId: z.string(),
  buyerTaxId: z.string(),
  amount: Fen,
  tax: Fen,
  total: Fen,
  currency: z.string(),
  status: z.enum(["received", "verifying", "verified", "rejected"]),
  verifiedAt: z.string().nullable(),
  checks: z
    .array(z.object({ source: z.enum(["tax", "logistics", "registry", "platform"]), result: z.enum(["pass", "fail"]), detail: z.string(), at: z.string() }))
    .openapi({ description: "Each verification: the tax bureau, the logistics carrier (waybills), the pledge registry, the platform's own checks." }),
  waybillNumbers: z.array(z.string()).openapi({ description: "The delivery behind the invoice (logistics waybills)." }),
  attachments: z.array(z.object({ name: z.string(), sha256: z.string() })).openapi({ description: "Trade documents the supplier filed with the invoice (contract, delivery note…), by name and hash." }),
});

const DossierView = z
  .object({
    request: z.object({ id: z.string(), status: z.string(), createdAt: z.string(), receivableId: z.string(), supplierId: z.string(), obligorId: z.string() }),
    certificate: z.object({
      id: z.string(),
      certificateNo: z.string().nullable(),
      amount: Fen,
      currency: z.string(),
      maturity: z.string(),
      issuedAt: z.string().openapi({ description: "When its original was issued or registered: the term runs from here." }),
      termDays: z.number(),
      longTerm: z.boolean().openapi({ description: "Over 6 months (77号文): a quote needs a reasonableness review." }),
      status: z.string(),
      origin: z.enum(["registered", "issued", "split"]),
      tier: z.number(),
      obligor: z.object({ id: z.string(), name: z.string() }),
      parent: z.object({ certificateNo: z.string().nullable(), tier: z.number() }).nullable().openapi({ description: "For a part of a split: the certificate it was split from." }),
      original: z.object({ certificateNo: z.string().nullable() }).nullable().openapi({ description: "For a part of a split: the core enterprise's original certificate." }),
      openToYou: z.boolean().openapi({ description: "Whether GET /v1/receivables/{id} answers you (once your bank funds it)." }),
    }),
    invoices: z.array(DossierInvoice),
    supplier: z.object({
      id: z.string(),
      name: z.string(),
      memberSince: z.string(),
      financings: z.number().openapi({ description: "Funded financings on the platform, with any bank." }),
      advanced: Fen,
      repaidOnTime: z.number(),
      repaidLate: z.number(),
      overdue: z.number(),
      defaulted: z.number(),
      recourseClaims: z.number(),
      outstandingWithYou: Fen,
      outstandingWithOthers: Fen.openapi({ description: "Owed to all other banks together (never per bank)." }),
    }),
    creditLine: z
      .object({ limit: Fen, available: Fen, validFrom: z.string().nullable(), validUntil: z.string().nullable(), termStatus: z.enum(["none", "valid", "expired", "not_yet_valid"]) })
      .nullable()
      .openapi({ description: "Your line on the obligor: what it has room for and whether it lends today." }),
  })
  .openapi("FinancingRequestDossier");

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function dossierView(d: Dossier): z.input<typeof DossierView> {
  const c = d.certificate;
  return {
    request: { id: d.request.id, status: d.request.status, createdAt: d.request.createdAt.toISOString(), receivableId: d.request.receivableId, supplierId: d.request.supplierOrganizationId, obligorId: d.request.obligorOrganizationId },
    certificate: {
      id: c.id,
      certificateNo: c.chainId === null ? null : c.chainId.toString(),
      amount: c.amount.toString(),
      currency: c.currency,
      maturity: c.maturity.toISOString(),
      issuedAt: c.issuedAt.toISOString(),
      termDays: c.termDays,
      longTerm: c.longTerm,
      status: c.status,
      origin: c.origin,
      tier: c.tier,
      obligor: { id: c.obligorOrganizationId, name: c.obligorName },
      parent: c.parent,
      original: c.original,
      openToYou: c.openToYou,
    },
    // no invoice ids: they are the supplier's handles; the bank reads numbers, checks and documents
    invoices: d.invoices.map((i) => ({
      invoiceNumber: invoiceView(i).invoiceNumber,
      invoiceCode: i.invoiceCode,
      issueDate: i.issueDate,
      sellerTaxId: i.sellerTaxId,
      buyerTaxId: i.buyerTaxId,
      amount: i.amount.toString(),
      tax: i.tax.toString(),
      total: i.total.toString(),
      currency: i.currency,
      status: i.status,
      verifiedAt: iso(i.verifiedAt),
      checks: i.evidence.map((e) => ({ source: e.source, result: e.result, detail: e.detail, at: e.at })),
      waybillNumbers: i.waybillNumbers,
      attachments: i.attachments.map((a) => ({ name: a.name, sha256: a.sha256 })),
    })),
    supplier: {
      ...d.supplier,
      memberSince: d.supplier.memberSince.toISOString(),
      advanced: d.supplier.advanced.toString(),
      outstandingWithYou: d.supplier.outstandingWithYou.toString(),
      outstandingWithOthers: d.supplier.outstandingWithOthers.toString(),
    },
    creditLine: d.creditLine && { ...d.creditLine, limit: d.creditLine.limit.toString(), available: d.creditLine.available.toString() },
  };
}

/** The bank's dossier on a financing request (what a credit officer reads before quoting). */
export function dossierRoutes(routes: Routes, tag: ApiTag, dossiers: DossierService): void {
  routes.add({
    method: "get",
    path: "/v1/financing-requests/:id/dossier",
    operationId: "financing.getRequestDossier",
    summary: "What a credit officer needs to quote (banks): the certificate, its invoices and trade documents, the supplier's history, your line",
    description:
      "For a bank the request is offered to (a credit line with a limit on its obligor; absent, 404, to other banks): the certificate (number, amount, maturity and term, obligor by name, tier and the certificate it was split from), the invoices behind its original with each verification and the supplier's waybills and attachments, the supplier's history on the platform (member since; funded financings with any bank, their advances, repaid on time or late, overdue, defaulted, recourse claims; what is still owed to your bank and to all others together, never per bank), and your line on the obligor with its term.",
    tag,
    roles: ["bank"],
    params: z.object({ id: Uuid }).strict(),
    status: 200,
    response: DossierView,
    handler: async ({ auth, params }) => dossierView(await dossiers.dossier(auth, params.id)),
  });
}
