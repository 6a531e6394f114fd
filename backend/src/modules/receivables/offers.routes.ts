import { z } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import type { ReceivableOffers } from "./receivables.offers";
import type { ObligorStandings } from "./obligor-standings";
import type { OfferRow } from "./receivables.repository";
import { receivableView } from "./receivables.views";
import { AcceptedView, accepted, TAG } from "./receivables.http";
import { AcceptOffers, ObligorParams, OfferItem, OffersQuery, RefuseOffers, StandingView, WithdrawOffers } from "./receivables.schemas";

const offerItem = (o: OfferRow) => ({
  receivableId: o.receivable.id,
  certificateId: o.receivable.chainId?.toString() ?? null,
  kind: o.receivable.offerKind!,
  obligor: o.obligor,
  from: o.from,
  to: o.to,
  amount: o.receivable.amount.toString(),
  currency: o.receivable.currency,
  maturity: o.receivable.maturity.toISOString(),
  issuedAt: o.issuedAt.toISOString(),
  termDays: o.termDays,
  beyondSixMonths: o.beyondSixMonths,
  expiresAt: o.receivable.offerExpiresAt!.toISOString(),
  receivable: receivableView(o.receivable),
});

const OWN_KEY =
  "An organization that keeps its own ledger key sends the ledger's call itself (409 ORGANIZATION.OWN_KEY here); the platform shows the outcome once the ledger has it.";

/** Consent (签收 / 拒签) and delinquent obligors: the receivables module's routes for offers and standings. */
export function offerRoutes(routes: Routes, offers: ReceivableOffers, standings: ObligorStandings): void {
  routes.add({
    method: "post",
    path: "/v1/receivables/acceptances",
    operationId: "receivables.acceptOffers",
    commit: true,
    summary: "Accept certificates offered to you (签收): issued to you, transferred to you, or parts split for you",
    description: `Up to 200 \`offered\` certificates whose offer waits for your organization, in one ledger transaction: each becomes yours, \`confirmed\`, once the operation is mined. 409 RECEIVABLE.INVALID_STATUS for one that is not offered, OFFER.EXPIRED for an offer past its expiry or the certificate's maturity (the platform returns it to its sender). See GET /v1/receivables/offers for what waits for you, including whether the obligor is paused as delinquent and whether the term exceeds six months. ${OWN_KEY}`,
    tag: TAG,
    roles: ["supplier"],
    body: AcceptOffers,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await offers.accept(auth, body.receivableIds)),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/refusals",
    operationId: "receivables.refuseOffers",
    commit: true,
    summary: "Refuse certificates offered to you (拒签), with a reason",
    description: `Up to 200 \`offered\` certificates whose offer waits for your organization: once the operation is mined an issued certificate is \`void\` (it owes nothing and its invoices may back another), a transfer or split part is its sender's again, \`confirmed\`. The reason is shown to the sender (the certificate's \`offerReturn\`); the ledger records it as bytes32 (the text when it fits in 31 bytes, else keccak256 of it). ${OWN_KEY}`,
    tag: TAG,
    roles: ["supplier"],
    body: RefuseOffers,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await offers.refuse(auth, body.receivableIds, body.reason)),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/offer-withdrawals",
    operationId: "receivables.withdrawOffers",
    summary: "Withdraw certificates you offered and their receiver has not accepted yet",
    description: `Up to 200 \`offered\` certificates your organization offered (issued, transferred or split): once the operation is mined an issued certificate is \`void\` (its invoices free again), a transfer or split part is yours again, \`confirmed\`. ${OWN_KEY}`,
    tag: TAG,
    roles: ["supplier", "core_enterprise"],
    body: WithdrawOffers,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await offers.withdraw(auth, body.receivableIds)),
  });

  routes.add({
    method: "get",
    path: "/v1/receivables/offers",
    operationId: "receivables.listOffers",
    summary: "Certificates waiting for your acceptance (待签收), or for the acceptance of those you offered them to",
    description:
      "`direction` incoming (default): offers to your organization; outgoing: offers it made. Each with its obligor (name, unified social credit code, and whether it is paused as a delinquent obligor), sender, receiver, amount, maturity, term in days (from the original's issue) and whether it exceeds six months, kind (issue, transfer, split) and when the offer expires. Ordered by id; page with `limit` and `after`.",
    tag: TAG,
    roles: ["supplier", "core_enterprise"],
    query: OffersQuery,
    status: 200,
    response: z.object({ items: z.array(OfferItem) }),
    handler: async ({ auth, query }) => ({ items: (await offers.list(auth, query)).map(offerItem) }),
  });

  routes.add({
    method: "get",
    path: "/v1/obligors/:organizationId/standing",
    operationId: "receivables.getObligorStanding",
    summary: "Whether a core enterprise is paused as a delinquent obligor (it may then neither issue nor confirm)",
    description:
      "Any member may ask about any core enterprise: paused while one of its certificates is overdue beyond the grace period (or defaulted) until it is paid or governance resumes it; the certificates (ledger ids) that count against it, since when, and why governance last resumed it. 404 for an organization that is not a core enterprise member.",
    tag: TAG,
    params: ObligorParams,
    status: 200,
    response: StandingView,
    handler: async ({ params }) => standings.of(params.organizationId),
  });
}
