import type { Projections } from "../../indexer/projections";
import type { QualifiedName } from "../../indexer/ledger-events";
import { eventIdOf, noticeBuilders, noticeOf, noticeReads } from "../webhooks";
import { targetsOf } from "./notifications.kinds";
import { tell, type Telling } from "./notifications.repository";

/** The ledger events whose business events tell someone something (see targetsOf). */
const TELLING: ReadonlySet<QualifiedName> = new Set<QualifiedName>([
  "ReceivableLedger.ReceivableRegistered",
  "ReceivableLedger.CertificateOffered",
  "ReceivableLedger.OfferAccepted",
  "ReceivableLedger.OfferReturned",
  "ReceivableLedger.ReceivableConfirmed",
  "ReceivableLedger.ReceivableRejected",
  "ReceivableLedger.ReceivableFinanced",
  "ReceivableLedger.ReceivableCleared",
  "SettlementToken.Deposited",
]);

/**
 * Ledger events → notifications, from the same business events the webhooks announce (the webhooks
 * module's builders, each event's built once per chunk), in the indexer's transaction after the
 * business projections; each new mail's job is enqueued after it commits (the sweeper catches up
 * if that fails).
 */
export function notificationProjections(p: Projections, enqueue: (mailId: string) => Promise<void>): Projections {
  noticeBuilders((name, build) => {
    if (!TELLING.has(name)) return;
    p.on(
      name,
      async (em, events, ctx, later) => {
        const tellings: Telling[] = [];
        for (const e of events) {
          const notice = await noticeOf(em, ctx, e, build);
          if (notice) tellings.push(...targetsOf(notice).map((t) => ({ ...t, eventId: eventIdOf(e), at: e.createdAt })));
        }
        for (const id of await tell(em, tellings)) later(() => enqueue(id));
      },
      noticeReads,
    );
  });
  return p;
}
