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
export const AcceptOffers = z
  .object({
    receivableIds: Ids,
    agreeToTermBeyond60Days: z.boolean().optional().openapi({
      description:
        "The SME's explicit agreement (国务院令第802号) to a large enterprise's certificate that matures more than 60 days after delivery: required (true) when any certificate's inbox item shows smeTermBeyond60Days; recorded with the acceptance.",
    }),
  })
  .strict()
  .openapi("AcceptOffers");
export const RefuseOffers = z
  .object({
    receivableIds: Ids,
    reason: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .openapi({ description: "Why you refuse (1 to 200 characters), shown to the sender. Kept by the platform; the ledger records it as bytes32: the text itself when it fits in 31 bytes of UTF-8, else keccak256 of the text." }),
  })
  .strict()
  .openapi("RefuseOffers");
export const WithdrawOffers = z.object({ receivableIds: Ids }).strict().openapi("WithdrawOffers");
export const OffersQuery = z
  .object({
    direction: z.enum(["incoming", "outgoing"]).default("incoming").openapi({ description: "incoming (default): offers waiting for your acceptance (待签收); outgoing: offers you made that wait for their receiver." }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    after: Uuid.optional(),
  })
  .strict();
export const ObligorParams = z.object({ organizationId: Uuid }).strict();
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

/** An offer a certificate waits on (签收). */
export const OfferView = z
  .object({
    kind: z.enum(["issue", "transfer", "split"]).openapi({ description: "issue: a core enterprise issued it to its supplier; transfer: its holder passes it on; split: a part of a split for another supplier" }),
    fromOrganizationId: z.string().openapi({ description: "The sender: the obligor for an issue, else the holder (who keeps it until the receiver accepts)" }),
    toOrganizationId: z.string().openapi({ description: "The receiver, who accepts or refuses it" }),
    expiresAt: z.string().openapi({ description: "After this (or at maturity) the platform returns the offer to its sender." }),
  })
  .openapi("ReceivableOffer");

/** A certificate as every endpoint shows it (receivables.views.ts builds it). */
export const ReceivableView = z
  .object({
    id: z.string().uuid(),
    certificateId: z.string().nullable().openapi({ description: "The ERC-721 token id on the ledger, once registered." }),
    origin: z.enum(["registered", "issued", "split"]),
    status: z.string().openapi({
      description:
        "registering, pending, offered (waiting for its receiver's acceptance, 签收), confirmed, financed, split, settled, overdue, defaulted, rejected, cancelled, void (an issued certificate its supplier never accepted: owes nothing), failed",
    }),
    obligorId: z.string(),
    creditorId: z.string(),
    holderId: z.string(),
    amount: z.string().openapi({ description: "Face amount in fen." }),
    currency: z.string(),
    maturity: z.string(),
    tier: z.number().int(),
    parentId: z.string().nullable(),
    invoicesRoot: z.string().nullable(),
    operationId: z.string().nullable().openapi({ description: "The operation writing its latest change (its registration, then a confirmation, a financing, a settlement…): GET /v1/operations/{id}." }),
    registrationOperationId: z.string().nullable().openapi({
      description:
        "The operation that registered (登记) or issued (开立) it on the ledger, whatever changed it since; null for a part of a split (its original's registration is its evidence) and for one a member registered with its own key.",
    }),
    financing: z.object({ bankId: z.string(), due: z.string().nullable(), recourse: z.boolean() }).nullable(),
    repayment: z.object({ repaid: z.string(), outstanding: z.string(), paidToBank: z.string(), paidToHolder: z.string(), recovered: z.string() }),
    failure: z.object({ code: z.string(), reason: z.string() }).nullable(),
    offer: OfferView.nullable().openapi({ description: "While `offered`: the offer its receiver accepts or refuses (null otherwise)." }),
    offerReturn: z
      .object({
        cause: z.enum(["refused", "withdrawn", "expired"]),
        reason: z.string().nullable().openapi({ description: "The refusal's reason as written, where the platform knows it" }),
        reasonHash: z.string().nullable().openapi({ description: "The reason as the ledger keeps it (bytes32: the text itself up to 31 bytes, else keccak256 of it)" }),
      })
      .nullable()
      .openapi({ description: "Why its latest offer went back unaccepted, if one did." }),
    rejection: z
      .object({
        reason: z.string().nullable().openapi({ description: "The core enterprise's reason as written, where the platform knows it" }),
        reasonHash: z.string().openapi({ description: "The reason as the ledger keeps it (bytes32: the text itself up to 31 bytes, else keccak256 of it)" }),
      })
      .nullable()
      .openapi({ description: "While `rejected`: why its core enterprise rejected it (确权 refused)." }),
    delinquent: z.boolean().openapi({ description: "Overdue beyond grace: its obligor may not issue or confirm until it is settled (or governance resumes the obligor)." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Receivable");

/** One offered certificate in the 待签收 inbox (or the sender's outgoing list). */
export const OfferItem = z
  .object({
    receivableId: z.string(),
    certificateId: z.string().nullable(),
    kind: z.enum(["issue", "transfer", "split"]),
    obligor: z.object({
      id: z.string(),
      name: z.string(),
      uscc: z.string(),
      paused: z.boolean().openapi({ description: "Paused as a delinquent obligor (a certificate overdue beyond grace): see GET /v1/obligors/{organizationId}/standing" }),
    }),
    from: z.object({ id: z.string(), name: z.string().nullable() }).openapi({ description: "The sender" }),
    to: z.object({ id: z.string(), name: z.string().nullable() }).openapi({ description: "The receiver" }),
    amount: z.string().openapi({ description: "Face amount in fen." }),
    currency: z.string(),
    maturity: z.string(),
    issuedAt: z.string().openapi({ description: "When the certificate's original was issued or registered on the platform" }),
    termDays: z.number().int().openapi({ description: "Days from issuedAt to maturity" }),
    beyondSixMonths: z.boolean().openapi({ description: "The term exceeds six months (77号文: a funding bank records its review)" }),
    smeTermBeyond60Days: z
      .object({ deliveredOn: z.string(), deliveredBy: z.enum(["waybill", "invoice"]), daysAfterDelivery: z.number().int() })
      .nullable()
      .openapi({
        description:
          "Set when a large enterprise pays you, an SME, with a certificate maturing more than 60 days after delivery (the waybill's delivery date, else the invoice date): signing for it needs agreeToTermBeyond60Days (国务院令第802号).",
      }),
    expiresAt: z.string().openapi({ description: "The offer is returned to its sender after this, or at maturity, whichever comes first" }),
    receivable: ReceivableView,
  })
  .openapi("ReceivableOfferItem");

export const StandingView = z
  .object({
    organizationId: z.string(),
    paused: z.boolean().openapi({ description: "It may not issue or confirm certificates (a certificate is overdue beyond grace)" }),
    delinquencies: z.number().int().openapi({ description: "Its certificates overdue beyond grace (or defaulted) that count against it" }),
    since: z.string().nullable().openapi({ description: "When the platform saw the pause begin" }),
    certificateIds: z.array(z.string()).openapi({ description: "Those certificates' ledger ids" }),
    resumedAt: z.string().nullable(),
    resumedReason: z.string().nullable().openapi({ description: "Why governance last resumed it (null when it paid, or never paused)" }),
  })
  .openapi("ObligorStanding");

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
