import type { Duty } from "../onboarding";
import type { Notice } from "../webhooks";

/**
 * What a person is told, and who of the concerned organization hears it: work waiting for someone
 * who may act (clerks and approvers), news for everyone who reads (viewers too), a draft for the
 * approvers. A notification stores its kind and figures, never prose: the portal and the mails
 * render the words in the reader's language.
 */
export const NOTIFICATION_KINDS = {
  "receivable.to_confirm": { duties: ["clerk", "approver"], object: "receivable" },
  "certificate.offered": { duties: ["clerk", "approver"], object: "receivable" },
  "certificate.received": { duties: ["viewer", "clerk", "approver"], object: "receivable" },
  "certificate.refused": { duties: ["viewer", "clerk", "approver"], object: "receivable" },
  "receivable.confirmed": { duties: ["viewer", "clerk", "approver"], object: "receivable" },
  "receivable.rejected": { duties: ["viewer", "clerk", "approver"], object: "receivable" },
  "financing.to_quote": { duties: ["clerk", "approver"], object: "financing_request" },
  "financing.quote_arrived": { duties: ["viewer", "clerk", "approver"], object: "financing_request" },
  "financing.funded": { duties: ["viewer", "clerk", "approver"], object: "financing" },
  "funds.arrived": { duties: ["viewer", "clerk", "approver"], object: "settlement" },
  "receivable.settled": { duties: ["viewer", "clerk", "approver"], object: "receivable" },
  "receivable.overdue": { duties: ["viewer", "clerk", "approver"], object: "receivable" },
  "draft.waiting": { duties: ["approver"], object: "draft" },
  /** A notice of assignment (financing, transfer) for the obligor's approver to acknowledge (回执), signed. */
  "notice.to_acknowledge": { duties: ["approver"], object: "receivable" },
} as const satisfies Record<string, { duties: Duty[]; object: ObjectType }>;

export type NotificationKind = keyof typeof NOTIFICATION_KINDS;
export const KINDS = Object.keys(NOTIFICATION_KINDS) as NotificationKind[];
/** The page a notification links to: a certificate, a financing request, a financing, the approvals queue, the settlement account. */
export const OBJECT_TYPES = ["receivable", "financing_request", "financing", "draft", "settlement"] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

/** The figures a notification's text is made from (money in fen, as strings). */
export type Params = Record<string, string | null>;

/** One organization told of one event: its people of the kind's duties each get a notification. */
export interface Target {
  organizationId: string;
  kind: NotificationKind;
  objectId: string | null;
  params: Params;
  /** The other party, named in the text (its legal name is read when the notification is made). */
  counterpartyId?: string | null;
  /** Its legal name when the caller has read it already (else it is read when the notification is made). */
  counterpartyName?: string | null;
  /** Someone of the organization not to tell (a draft's own drafter). */
  exceptUserId?: string | null;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A business event (the one the webhooks announce) → the organizations whose people are told, and of what. */
export function targetsOf(n: Notice): Target[] {
  const d = n.audiences[0]?.data ?? {};
  const cert = { amount: str(d.amount), currency: str(d.currency), certificateId: str(d.certificateId) };
  const receivable = str(d.receivableId);
  const to = (organizationId: unknown, kind: NotificationKind, extra: Partial<Target> & { params?: Params } = {}): Target[] =>
    typeof organizationId === "string" ? [{ organizationId, kind, objectId: receivable, ...extra, params: { ...cert, ...extra.params } }] : [];
  switch (n.type) {
    case "receivable.registered":
      return to(d.obligorId, "receivable.to_confirm", { counterpartyId: str(d.creditorId) });
    case "receivable.offered":
      return to(d.toId, "certificate.offered", { counterpartyId: str(d.fromId), params: { expiresAt: str(d.expiresAt), offer: str(d.kind) } });
    case "receivable.accepted":
      return [
        ...to(d.toId, "certificate.received", { counterpartyId: str(d.fromId) }),
        // a transfer or split part assigns the receivable anew: its notice waits for the obligor's acknowledgment
        ...(d.kind === "transfer" || d.kind === "split" ? to(d.obligorId, "notice.to_acknowledge", { counterpartyId: str(d.toId) }) : []),
      ];
    case "receivable.refused":
      return to(d.fromId, "certificate.refused", { counterpartyId: str(d.toId), params: { reason: str(d.reason) } });
    case "receivable.confirmed":
      return to(d.holderId, "receivable.confirmed", { counterpartyId: str(d.obligorId) });
    case "receivable.rejected":
      return to(d.holderId, "receivable.rejected", { counterpartyId: str(d.obligorId), params: { reason: str(d.reason) } });
    case "financing.funded":
      return [
        ...to(d.supplierId, "financing.funded", { objectId: str(d.financingId), counterpartyId: str(d.bankId), params: { advance: str(d.advance) } }),
        // the notice of assignment to the bank waits for the obligor's acknowledgment (回执)
        ...to(d.obligorId, "notice.to_acknowledge", { counterpartyId: str(d.bankId) }),
      ];
    case "settlement.deposit":
      return to(d.organizationId, "funds.arrived", { objectId: null, params: { amount: str(d.amount), currency: str(d.currency), certificateId: null } });
    case "receivable.settled":
    case "receivable.overdue": {
      const kind = n.type === "receivable.settled" ? "receivable.settled" : "receivable.overdue";
      const params = { paid: str(d.paid), outstanding: str(d.outstanding) };
      return [...to(d.holderId, kind, { counterpartyId: str(d.obligorId), params }), ...(d.bankId && d.bankId !== d.holderId ? to(d.bankId, kind, { counterpartyId: str(d.obligorId), params }) : [])];
    }
    default:
      return [];
  }
}
