import type { DataSource } from "typeorm";
import { notFound } from "../../shared/errors";
import type { AuthContext } from "../../shared/http/auth";
import type { Logger } from "../../shared/logger";
import type { NotificationChannel } from "./channels";
import { mailOf } from "./mail";
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
   * One mail (the worker's job): sent once, skipped if its person turned mail off or was disabled
   * since. A failure is thrown: the job retries with backoff, and the sweeper takes it up again.
   */
  async deliver(mailId: string): Promise<void> {
    const work = await repo.mailWork(this.ds.manager, mailId);
    if (!work || work.status !== "pending") return;
    if (!work.wanted) return repo.mailDone(this.ds.manager, mailId, "skipped", null);
    try {
      await this.mail.send(mailOf(work.notification, work, this.portalUrl));
    } catch (e) {
      await repo.mailFailed(this.ds.manager, mailId, (e as Error).message);
      this.log.warn({ mailId, channel: this.mail.kind, err: (e as Error).message }, "notification mail not sent; will retry");
      throw e;
    }
    await repo.mailDone(this.ds.manager, mailId, "sent", this.mail.kind);
  }
}
