import { randomUUID } from "node:crypto";
import { Findings, lists } from "./checks";
import { each, some, type ProbeTable, type TenantProbe } from "./probe";
import type { Caller, Tenants } from "./world";

/** Each caller's own notifications (its person's, an API key's being its person's), from the database. */
const ownIds = async (t: Tenants, c: Caller, unreadOnly = false) =>
  ((await t.stack.ds.query(`SELECT id FROM notifications WHERE user_id = $1 ${unreadOnly ? "AND read_at IS NULL" : ""} ORDER BY created_at DESC, id DESC LIMIT 100`, [c.person.userId])) as { id: string }[]).map((r) => r.id);

/** Everyone's unread notifications but `c`'s: what `c` must never change. */
const othersUnread = async (t: Tenants, c: Caller) =>
  ((await t.stack.ds.query(`SELECT id FROM notifications WHERE user_id <> $1 AND read_at IS NULL ORDER BY id`, [c.person.userId])) as { id: string }[]).map((r) => r.id).join();

/** Other people's notifications: some of each tenant's (another organization's, and a colleague's). */
const othersNotifications = async (t: Tenants, c: Caller) =>
  some(
    `notifications for ${c.name}`,
    ((await t.stack.ds.query(`SELECT DISTINCT ON (user_id) id FROM notifications WHERE user_id <> $1 ORDER BY user_id, created_at`, [c.person.userId])) as { id: string }[]).map((r) => r.id),
    4,
  );

/** Notifications are each person's own: never another person's, in the organization or out of it. */
const probes: TenantProbe[] = [
  {
    endpoint: "GET /v1/notifications",
    run: async (t) => {
      const own = new Map<string, string[]>();
      for (const c of t.callers) own.set(c.name, await ownIds(t, c));
      await lists(t, "/v1/notifications?limit=100", (c, r) => {
        const ids = (r.body.items as { id: string }[]).map((n) => n.id);
        const mine = own.get(c.name)!;
        return [...ids.filter((id) => !mine.includes(id)).map((id) => `lists another person's notification ${id}`), ...mine.filter((id) => !ids.includes(id)).map((id) => `misses its own notification ${id}`)];
      });
    },
  },
  {
    endpoint: "GET /v1/notifications/unread-count",
    run: async (t) => {
      const own = new Map<string, number>();
      for (const c of t.callers) own.set(c.name, (await ownIds(t, c, true)).length);
      await lists(t, "/v1/notifications/unread-count", (c, r) => (r.body.unread === own.get(c.name) ? false : `counts ${r.body.unread}, its own unread are ${own.get(c.name)}`));
    },
  },
  {
    endpoint: "POST /v1/notifications/{id}/read",
    run: async (t) => {
      // another person's notification is absent, exactly as a random id, and stays unread
      const f = new Findings(t);
      await each(t.callers, async (c) => {
        const random = randomUUID();
        const control = await t.call("POST", `/v1/notifications/${random}/read`, c.person.key, {});
        if (control.status !== 404) f.add(`${c.name} marks a random id read`, `status ${control.status}: ${control.text.slice(0, 200)}`);
        const before = await othersUnread(t, c);
        for (const id of await othersNotifications(t, c)) f.hidden(`${c.name} marks another person's notification read`, await t.call("POST", `/v1/notifications/${id}/read`, c.person.key, {}), control, id, random, c.party);
        if ((await othersUnread(t, c)) !== before) f.add(`${c.name} marks others' notifications read`, "another person's notification changed");
      });
      f.done();
    },
  },
  {
    endpoint: "POST /v1/notifications/read-all",
    run: async (t) => {
      // in turn: each marks all of its own read, and nobody else's
      const f = new Findings(t);
      for (const c of t.callers) {
        const before = await othersUnread(t, c);
        const r = await t.call("POST", "/v1/notifications/read-all", c.person.key, {});
        if (r.status !== 200) f.add(`${c.name} marks all read`, `status ${r.status}: ${r.text.slice(0, 200)}`);
        if ((await othersUnread(t, c)) !== before) f.add(`${c.name} marks all read`, "another person's notification changed");
        if ((await ownIds(t, c, true)).length) f.add(`${c.name} marks all read`, "some of its own are still unread");
      }
      f.done();
    },
  },
  { endpoint: "GET /v1/notifications/settings", run: (t) => lists(t, "/v1/notifications/settings", (_c, r) => (typeof r.body.email === "boolean" ? false : "no e-mail choice")) },
  {
    endpoint: "POST /v1/notifications/settings",
    run: async (t) => {
      // a person's choice of mail is its own: nobody else's changes
      const f = new Findings(t);
      const settings = async () => JSON.stringify(await t.stack.ds.query(`SELECT user_id, email FROM notification_settings ORDER BY user_id`));
      for (const c of t.callers) {
        const before = await settings();
        const r = await t.call("POST", "/v1/notifications/settings", c.person.key, { email: false });
        if (r.status !== 200) f.add(`${c.name} turns mail off`, `status ${r.status}: ${r.text.slice(0, 200)}`);
        const after = JSON.parse(await settings()) as { user_id: string; email: boolean }[];
        const others = JSON.stringify(after.filter((s) => s.user_id !== c.person.userId));
        const othersBefore = JSON.stringify((JSON.parse(before) as { user_id: string }[]).filter((s) => s.user_id !== c.person.userId));
        if (others !== othersBefore) f.add(`${c.name} turns mail off`, "another person's choice changed");
        if (!after.some((s) => s.user_id === c.person.userId && s.email === false)) f.add(`${c.name} turns mail off`, "its own choice did not change");
        await t.call("POST", "/v1/notifications/settings", c.person.key, { email: true });
      }
      f.done();
    },
  },
];

export const notifications: ProbeTable = { tag: "Notifications", probes };
