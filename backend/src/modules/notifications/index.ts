/**
 * Notifications: each person is told what the platform saw happen to their organization — a
 * receivable to confirm, a certificate to sign for, a financing request to quote, a quote, funds, a
 * draft to approve — in the portal (unread counts, read state per person) and by e-mail through a
 * channel adapter (SMTP, or .eml files in a local outbox in development). Fed by the business events
 * the webhooks announce (the webhooks module's builders) and by the financing and approvals services
 * as requests, quotes and drafts are made; no polling. (Implementation: notifications.kinds.ts (who
 * is told what), notifications.projections.ts, notifications.listeners.ts, notifications.repository.ts,
 * notifications.service.ts, notifications.routes.ts, channels.ts, mail.ts; docs/notifications.md.)
 */
import { defineModule } from "../module";
import type { StaleWork } from "../../ledger/outbox/sweeper";
import type { ApprovalsApi } from "../approvals";
import type { FinancingApi } from "../financing";
import { mailChannel } from "./channels";
import { NotificationsService } from "./notifications.service";
import { notificationsRoutes } from "./notifications.routes";
import { notificationProjections } from "./notifications.projections";
import { tellOffLedger, tellWithin, type OffLedger } from "./notifications.listeners";
import { Notifications1734412000000 } from "./notifications.migration";

declare module "../../shared/queue" {
  interface JobPayloads {
    /** Send a person's waiting notification mails, together, through the configured channel (job id = the person's; retried with backoff). */
    "notification.mail": { userId: string };
    /** Tell the people concerned of a financing request, a quote or a draft just made (job id = its source and id). */
    "notification.tell": OffLedger;
  }
}

export const mailJobId = (userId: string) => `notification-mail-${userId}`;

/** People with mails not sent yet: made while their job ran, or whose job was lost or ran out of attempts. */
const unsent: StaleWork<"notification.mail"> = {
  job: "notification.mail",
  stale: `SELECT user_id::text AS id FROM notification_mails WHERE status = 'pending' AND updated_at < now() - ($1 || ' milliseconds')::interval GROUP BY user_id ORDER BY min(created_at) LIMIT $2`,
  jobId: mailJobId,
  payload: (id) => ({ userId: id }),
  touch: `UPDATE notification_mails SET updated_at = now() WHERE user_id = $1 AND status = 'pending'`,
};

export const notificationsModule = defineModule({
  name: "notifications",
  needs: ["approvals", "financing"],
  tables: ["notifications", "notification_mails", "notification_settings"],
  migrations: [Notifications1734412000000],
  services: ({ ds, config, log, queue }, needs: { approvals: ApprovalsApi; financing: FinancingApi }) => {
    // a person's mails wait MAIL_DIGEST_MS for the others that follow, then go as one: a job this
    // process queued for the person less than that long ago (less a second) is still waiting and takes them
    const queuedAt = new Map<string, number>();
    const enqueueMail = async (userId: string) => {
      const now = Date.now();
      if (now < (queuedAt.get(userId) ?? -Infinity) + config.MAIL_DIGEST_MS - 1_000) return;
      await queue.addAgain("notification.mail", { userId }, mailJobId(userId), { delay: config.MAIL_DIGEST_MS });
      queuedAt.set(userId, now);
      if (queuedAt.size > 10_000) for (const [u, t] of queuedAt) if (t + config.MAIL_DIGEST_MS < now) queuedAt.delete(u);
    };
    // requests and quotes are told of in their own transaction; drafts once committed, by the worker
    const later = (what: OffLedger) =>
      queue.add("notification.tell", what, `notify-${what.source}-${what.id}`).then(
        () => undefined,
        (e: Error) => log.warn({ ...what, err: e.message }, "could not queue the notifications of a request, quote or draft"),
      );
    needs.financing.requests.listen(async (em, e) => {
      const people = await tellWithin(em, e.kind === "request.opened" ? { source: "request", id: e.request.id } : { source: "quote", id: e.quote.id });
      return people.length ? async () => void (await Promise.all(people.map(enqueueMail))) : undefined;
    });
    needs.approvals.drafts.listen(async (d) => later({ source: "draft", id: d.draftId }));
    return { notifications: new NotificationsService(ds, mailChannel(config), config.PORTAL_URL, log), enqueueMail, tellOffLedger: (what: OffLedger) => tellOffLedger(ds, what, enqueueMail) };
  },
  routes: (routes, api, http) => notificationsRoutes(routes, api.notifications, http.changes),
  projections: (p, api) => notificationProjections(p, api.enqueueMail),
  jobs: (api) => ({
    "notification.mail": async ({ userId }) => api.notifications.deliver(userId),
    "notification.tell": async (what) => api.tellOffLedger(what),
  }),
  stale: [unsent as StaleWork],
});
export type NotificationsApi = ReturnType<typeof notificationsModule.services>;

export { NotificationsService } from "./notifications.service";
export { NOTIFICATION_KINDS, KINDS as NOTIFICATION_KIND_NAMES, targetsOf, type NotificationKind } from "./notifications.kinds";
export { mailChannel, SmtpChannel, OutboxDirChannel, type NotificationChannel, type Message } from "./channels";
export { mailOf, digestOf, textOf } from "./mail";
