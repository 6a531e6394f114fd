/**
 * The webhook event catalogue: every type an organization may subscribe to, what it means and
 * who receives it. A delivery only ever goes to an organization that is a party to the event.
 */
export const WEBHOOK_EVENTS = {
  "receivable.registered": {
    description: "A supplier registered a receivable on the ledger; it is Pending until the core enterprise confirms it.",
    recipients: "the supplier (creditor) and the core enterprise (obligor)",
  },
  "receivable.issued": {
    description: "A core enterprise issued a certificate directly to a supplier; it is Offered until the supplier accepts it (receivable.offered follows).",
    recipients: "the supplier (creditor) and the core enterprise (obligor)",
  },
  "receivable.offered": {
    description: "A certificate waits for its receiver's acceptance (签收): issued to a supplier, transferred, or a part split for another supplier. It expires at `expiresAt`.",
    recipients: "the sender, the receiver and the core enterprise (obligor)",
  },
  "receivable.accepted": {
    description: "The receiver accepted an offered certificate (签收): it is Confirmed and the receiver's.",
    recipients: "the sender, the receiver (now the holder) and the core enterprise (obligor)",
  },
  "receivable.refused": {
    description: "The receiver refused an offered certificate (拒签), with a reason: an issued one is Void (its invoices released), a transfer or split part the sender's again.",
    recipients: "the sender, the receiver and the core enterprise (obligor)",
  },
  "receivable.offer_withdrawn": {
    description: "The sender withdrew an offer before it was accepted: an issued certificate is Void, a transfer or split part the sender's again.",
    recipients: "the sender, the receiver and the core enterprise (obligor)",
  },
  "receivable.offer_expired": {
    description: "Nobody accepted an offer before it expired (or the certificate matured): the platform returned it; an issued certificate is Void, a transfer or split part the sender's again.",
    recipients: "the sender, the receiver and the core enterprise (obligor)",
  },
  "receivable.confirmed": {
    description: "The core enterprise confirmed a receivable (确权): it is now a Confirmed certificate.",
    recipients: "the holder, the creditor and the core enterprise (obligor)",
  },
  "receivable.rejected": {
    description: "The core enterprise rejected a Pending receivable, with its reason (`reason`, where the platform knows its text); its invoices are released.",
    recipients: "the holder and the core enterprise (obligor)",
  },
  "receivable.cancelled": {
    description: "The holder withdrew a Pending receivable; its invoices are released.",
    recipients: "the holder and the core enterprise (obligor)",
  },
  "receivable.split": {
    description: "A certificate was split; one event per new part (the parent is now Split).",
    recipients: "the holder of the parent, the holder of the new part and the core enterprise (obligor)",
  },
  "receivable.transferred": {
    description: "A certificate passed to another member.",
    recipients: "the previous holder, the new holder and the core enterprise (obligor)",
  },
  "financing.funded": {
    description:
      "A bank funded a certificate: the advance went to the supplier and the certificate is under the bank's lien. The core enterprise is told who now holds the lien (notice of assignment), not the terms.",
    recipients: "the bank and the supplier (full terms); the core enterprise (lien only)",
  },
  "receivable.partially_repaid": {
    description: "Part of a certificate was paid at or after maturity; it is still within its grace period.",
    recipients: "the holder, the financing bank (if any) and the core enterprise (amount paid and outstanding only)",
  },
  "receivable.settled": {
    description: "A certificate was paid in full and cleared: the bank got what it is due, the holder the rest.",
    recipients: "the holder, the financing bank (if any) and the core enterprise (amount paid and outstanding only)",
  },
  "receivable.overdue": {
    description: "The core enterprise could not pay a matured certificate in full; it is Overdue with the amount outstanding.",
    recipients: "the holder, the financing bank (if any) and the core enterprise (amount paid and outstanding only)",
  },
  "receivable.defaulted": {
    description: "An Overdue certificate was declared Defaulted after its default period.",
    recipients: "the holder, the financing bank (if any) and the core enterprise (obligor)",
  },
  "recourse.claimed": {
    description: "A bank recovered (part of) a defaulted certificate financed with recourse from the supplier.",
    recipients: "the bank and the supplier (seller)",
  },
  "obligor.paused": {
    description: "A core enterprise's certificate became overdue beyond its grace period: the core enterprise may neither issue nor confirm certificates until it pays (or governance resumes it).",
    recipients: "the core enterprise, and the holder and financing bank of the overdue certificate",
  },
  "obligor.resumed": {
    description: "A paused core enterprise may issue and confirm again: it paid its last overdue certificate, or governance resumed it (with a reason).",
    recipients: "the core enterprise, and the holders and financing banks of the certificates that counted against it (by payment: the certificate paid)",
  },
  "settlement.deposit": {
    description: "Settlement tokens were minted to a member's account (a deposit was credited).",
    recipients: "the account's organization and the settlement issuer",
  },
  "settlement.withdrawal": {
    description: "Settlement tokens were burned from a member's account (a withdrawal was paid out).",
    recipients: "the account's organization and the settlement issuer",
  },
  "credit_line.updated": {
    description: "A bank's credit line for a core enterprise changed on the ledger.",
    recipients: "the bank",
  },
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];

/** Sent by POST /v1/webhooks/{id}/test only; never subscribed to. */
export const TEST_EVENT_TYPE = "webhook.test";

/** Subscribes to every type, including those added later. */
export const ALL_EVENTS = "*";
