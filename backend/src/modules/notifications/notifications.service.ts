import type { DataSource } from "typeorm";
import { notFound } from "../../shared/errors";
import type { AuthContext } from "../../shared/http/auth";
import type { Logger } from "../../shared/logger";
import type { NotificationChannel } from "./channels";
import { digestOf } from "./mail";

/** At most this many notifications in one mail. */
const MAIL_DIGEST_MAX = 50;
import * as repo from "./notifications.repository";

/**
 * A person's notifications: listed newest first, counted unread, marked read. Everything is the
 * caller's own: a session's person, or the person an API key belongs to (api_keys.user_id) — an
 * integration reads what its key's person would read, never its colleagues'.
 */
export class NotificationsService {
  constructor(
    private readonly ds: DataSource,
    private readonly mail: NotificationChannel,
    private readonly portalUrl: string,
    private readonly log: Logger,
  ) {}

  async list(auth: AuthContext, q: { unread: boolean; limit: number; before?: string }): Promise<repo.NotificationRow[]> {
    let before: { at: Date; id: string } | null = null;
    if (q.before) {
      const last = await repo.one(this.ds.manager, auth.user.id, q.before);
      if (!last) throw notFound("notification", q.before);
      before = { at: last.createdAt, id: last.id };
    }
    return repo.list(this.ds.manager, auth.user.id, { unread: q.unread, limit: q.limit, before });
  }

  unreadCount(auth: AuthContext): Promise<number> {
    return repo.unreadCount(this.ds.manager, auth.user.id);
  }

  async read(auth: AuthContext, id: string): Promise<repo.NotificationRow> {
    if (!(await repo.one(this.ds.manager, auth.user.id, id))) throw notFound("notification", id);
    await repo.markRead(this.ds.manager, auth.user.id, id);
    return (await repo.one(this.ds.manager, auth.user.id, id))!;
  }

  readAll(auth: AuthContext): Promise<number> {
    return repo.markAllRead(this.ds.manager, auth.user.id);
  }

  async settings(auth: AuthContext): Promise<{ email: boolean }> {
    return { email: await repo.emailWanted(this.ds.manager, auth.user.id) };
  }

  async setSettings(auth: AuthContext, s: { email: boolean }): Promise<{ email: boolean }> {
    await repo.setEmailWanted(this.ds.manager, auth.user.id, s.email);
    return this.settings(auth);
  }

  /**
   * A person's waiting mails (the worker's job): sent together, as one mail, in pages of
   * MAIL_DIGEST_MAX; skipped if the person turned mail off or was disabled since. A failure is
   * thrown: the job retries with backoff, and the sweeper takes the person up again.
   */
  async deliver(userId: string): Promise<void> {
    for (;;) {
      const work = await repo.pendingMails(this.ds.manager, userId, MAIL_DIGEST_MAX);
      if (!work) return;
      const ids = work.mails.map((m) => m.id);
      if (!work.wanted) {
        await repo.mailsDone(this.ds.manager, ids, "skipped", null);
      } else {
        try {
          await this.mail.send(digestOf(work.mails.map((m) => m.notification), work, this.portalUrl));
        } catch (e) {
          await repo.mailsFailed(this.ds.manager, ids, (e as Error).message);
          this.log.warn({ userId, mails: ids.length, channel: this.mail.kind, err: (e as Error).message }, "notification mail not sent; will retry");
          throw e;
        }
        await repo.mailsDone(this.ds.manager, ids, "sent", this.mail.kind);
      }
      if (ids.length < MAIL_DIGEST_MAX) return;
    }
  }
}
