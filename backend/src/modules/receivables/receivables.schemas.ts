import { z } from "../../shared/http/openapi";
import { CalendarDate } from "../../shared/http/dates";

import { Money, Uuid } from "../../shared/http/schemas";

export const MaturityDate = CalendarDate.openapi({ description: "Falls due at 00:00 China Standard Time (UTC+8) on this date.", example: "2027-06-30" });

const Ids = z.array(Uuid).min(1).max(200).refine((a) => new Set(a).size === a.length, "must not repeat an id");

export const RegisterReceivables = z
  .object({
    items: z
      .array(z.object({ obligorId: Uuid, invoiceIds: z.array(Uuid).min(1).max(50), maturityDate: MaturityDate }).strict())
      .min(1)
      .max(100),
  })
  .strict()
  .openapi("RegisterReceivables");

export const AttestationRequest = z
  .object({
    mode: z.enum(["register", "issue"]).openapi({ description: "register: you (a supplier) are the creditor; issue: you (a core enterprise) are the obligor" }),
    items: z
      .array(z.object({ counterpartyId: Uuid, invoiceIds: z.array(Uuid).min(1).max(50), maturityDate: MaturityDate }).strict())
      .min(1)
      .max(50),
  })
  .strict()
  .openapi("AttestationRequest");

export const AttestationView = z
  .object({
    ledger: z.string().openapi({ description: "The ledger contract to call" }),
    function: z.enum(["register", "issue"]),
    items: z.array(
      z.object({ counterparty: z.string(), amount: z.string(), maturity: z.string(), invoicesRoot: z.string(), invoiceKeys: z.array(z.string()) }),
    ),
    attestation: z.object({ verifier: z.string(), deadline: z.string(), signature: z.string() }),
  })
  .openapi("ReceivableAttestation");

export const IssueReceivables = z
  .object({
    items: z
      .array(z.object({ supplierId: Uuid, invoiceIds: z.array(Uuid).min(1).max(50), maturityDate: MaturityDate }).strict())
      .min(1)
      .max(100),
  })
  .strict()
  .openapi("IssueReceivables");

const Signature = z
  .object({
    nonce: z.string().regex(/^[0-9]{1,77}$/, "must be a decimal integer"),
    deadline: z.string().regex(/^[0-9]{1,20}$/, "must be unix seconds"),
    signature: z.string().regex(/^0x([0-9a-fA-F]{130}|[0-9a-fA-F]{128})$/, "must be a 65-byte (or 64-byte compact) hex signature"),
  })
  .strict()
  .openapi({ description: "For organizations that keep their own key: the EIP-712 ConfirmReceivables signature (see the typed-data endpoint)." });

export const Confirm = z.object({ receivableIds: Ids, signature: Signature.optional() }).strict().openapi("ConfirmReceivables");
export const Reject = z.object({ receivableIds: Ids, reason: z.string().trim().min(3).max(200) }).strict().openapi("RejectReceivables");
export const Cancel = z.object({ receivableIds: Ids }).strict().openapi("CancelReceivables");
// each id a UUID in its 8-4-4-4-12 form: 36 hex digits and dashes in any order reached Postgres as a uuid, and failed there (500)
const UUID_SHAPE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
export const TypedDataQuery = z.object({ ids: z.string().regex(new RegExp(`^${UUID_SHAPE}(,${UUID_SHAPE}){0,199}$`), "must be comma-separated receivable UUIDs") }).strict();

export const Split = z
  .object({ parts: z.array(z.object({ organizationId: Uuid, amount: Money }).strict()).min(2).max(20) })
  .strict()
  .openapi("SplitReceivable");
export const Transfer = z.object({ organizationId: Uuid }).strict().openapi("TransferReceivable");

export const ListQuery = z
  .object({
    role: z
      .enum(["holder", "obligor", "creditor", "all"])
      .default("holder")
      .openapi({ description: "Whose certificates: those you hold (default), owe or were first issued to; `all`: every certificate (operators and auditors)." }),
    status: z.string().regex(/^[a-z]+(,[a-z]+)*$/, "must be comma-separated statuses").optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    after: Uuid.optional(),
  })
  .strict();

export const CalendarQuery = z
  .object({
    from: CalendarDate.optional().openapi({ description: "Only what falls due on or after this day (China Standard Time)." }),
    to: CalendarDate.optional().openapi({ description: "Only what falls due on or before this day (China Standard Time)." }),
  })
  .strict();

/** A certificate as every endpoint shows it (receivables.views.ts builds it). */
export const ReceivableView = z
  .object({
    id: z.string().uuid(),
    certificateId: z.string().nullable().openapi({ description: "The ERC-721 token id on the ledger, once registered." }),
    origin: z.enum(["registered", "issued", "split"]),
    status: z.string().openapi({ description: "registering, pending, confirmed, financed, split, settled, overdue, defaulted, rejected, cancelled, failed" }),
    obligorId: z.string(),
    creditorId: z.string(),
    holderId: z.string(),
    amount: z.string().openapi({ description: "Face amount in fen." }),
    currency: z.string(),
    maturity: z.string(),
    tier: z.number().int(),
    parentId: z.string().nullable(),
    invoicesRoot: z.string().nullable(),
    operationId: z.string().nullable(),
    financing: z.object({ bankId: z.string(), due: z.string().nullable(), recourse: z.boolean() }).nullable(),
    repayment: z.object({ repaid: z.string(), outstanding: z.string(), paidToBank: z.string(), paidToHolder: z.string(), recovered: z.string() }),
    failure: z.object({ code: z.string(), reason: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Receivable");

export interface LineageNodeView {
  id: string;
  certificateId: string | null;
  tier: number;
  amount: string;
  status: string;
  holder: { id: string; name: string | null } | null;
  children: LineageNodeView[];
}

/** One certificate of a family tree, with its parts below it. */
export const LineageNode: z.ZodType<LineageNodeView> = z
  .object({
    id: z.string(),
    certificateId: z.string().nullable(),
    tier: z.number().int(),
    amount: z.string(),
    status: z.string(),
    holder: z.object({ id: z.string(), name: z.string().nullable() }).nullable().openapi({ description: "null where the caller may not know who holds this part" }),
    get children() {
      return z.array(LineageNode);
    },
  })
  .openapi("Lineage");
