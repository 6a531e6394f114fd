import type { EntityManager } from "typeorm";
import { announceChange } from "../../shared/changes";
import type { Logger } from "../../shared/logger";
import type { RequestEvent } from "../financing";
import { tell, type Telling } from "./notifications.repository";

/**
 * What happens off the ledger and is someone's work: a financing request (the banks that may quote
 * on it), a quote (the supplier), a draft (its organization's approvers). Heard from the financing
 * and approvals services as it happens, in their transaction where they have one.
 */
export const onRequestEvent = (enqueue: (mailId: string) => Promise<void>) => async (em: EntityManager, e: RequestEvent): Promise<void> => {
  const [r] = await em.query(`SELECT chain_id::text AS cert, amount::text AS amount, currency FROM receivables WHERE id = $1`, [e.request.receivableId]);
  const params = { certificateId: r?.cert ?? null, amount: r?.amount ?? null, currency: r?.currency?.trim() ?? "CNY" };
  let tellings: Telling[];
  if (e.kind === "request.opened") {
    const banks: { bank: string }[] = await em.query(`SELECT bank_organization_id AS bank FROM credit_lines WHERE obligor_organization_id = $1 AND limit_amount > 0`, [e.request.obligorOrganizationId]);
    tellings = banks.map(({ bank }) => ({
      organizationId: bank,
      kind: "financing.to_quote",
      objectId: e.request.id,
      params,
      counterpartyId: e.request.supplierOrganizationId,
      eventId: `financing_request:${e.request.id}`,
      at: new Date(),
    }));
  } else {
    tellings = [
      {
        organizationId: e.request.supplierOrganizationId,
        kind: "financing.quote_arrived",
        objectId: e.request.id,
        params: { ...params, advance: e.quote.advance.toString() },
        counterpartyId: e.quote.bankOrganizationId,
        eventId: `quote:${e.quote.id}`,
        at: new Date(),
      },
    ];
  }
  if (!tellings.length) return;
  sendSoon(await tell(em, tellings), enqueue);
  await announceChange(em);
};

/**
 * The mails' jobs, queued now rather than after the caller's transaction commits (the services
 * give no hook there): a job that runs before the commit does not find its mail yet and is retried.
 */
function sendSoon(mailIds: string[], enqueue: (mailId: string) => Promise<void>) {
  for (const id of mailIds) void enqueue(id).catch(() => undefined); // the sweeper takes up what could not be queued
}

/** A draft waits for an approver: its organization's approvers are told, never its drafter. */
export function onDraft(em: EntityManager, log: Logger, enqueue: (mailId: string) => Promise<void>) {
  return async (d: { draftId: string; organizationId: string; createdBy: { id: string; name: string }; operationId: string }) => {
    try {
      const mails = await tell(em, [
        {
          organizationId: d.organizationId,
          kind: "draft.waiting",
          objectId: d.draftId,
          params: { drafter: d.createdBy.name, action: d.operationId },
          exceptUserId: d.createdBy.id,
          eventId: `draft:${d.draftId}`,
          at: new Date(),
        },
      ]);
      sendSoon(mails, enqueue);
      await announceChange(em);
    } catch (e) {
      // the draft stands; only its notice is missing
      log.warn({ draftId: d.draftId, err: (e as Error).message }, "could not tell the approvers of a draft");
    }
  };
}
