import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import type { ChangeFeed } from "../../shared/changes";
import { preferredWait } from "../../shared/changes";
import { PreferWait } from "../../shared/http/prefer-wait";
import { Id, Uuid } from "../../shared/http/schemas";
import { KINDS, OBJECT_TYPES } from "./notifications.kinds";
import type { NotificationRow } from "./notifications.repository";
import type { NotificationsService } from "./notifications.service";

const TAG: ApiTag = {
  name: "Notifications",
  description:
    "Each person's notifications of what the platform saw happen to their organization (a receivable to confirm, a certificate to sign for, a quote, funds, a draft to approve…), read state per person. An API key reads the notifications of the person it belongs to.",
};

const NotificationView = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(KINDS as [string, ...string[]]).openapi({ description: "What happened; clients render the text in their reader's language from it and `params`." }),
    params: z.record(z.string(), z.string().nullable()).openapi({
      description: "The figures of the text: `amount`, `advance`, `paid`, `outstanding` (fen, as strings), `currency`, `certificateId`, `counterparty` (a legal name), `reason`, `expiresAt`, `drafter`.",
    }),
    object: z.object({ type: z.enum(OBJECT_TYPES), id: z.string().nullable() }).openapi({ description: "What it links to: a certificate, a financing request, a financing, the drafts queue, the settlement account." }),
    read: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("Notification");

const view = (n: NotificationRow) => ({
  id: n.id,
  kind: n.kind,
  params: n.params,
  object: { type: n.objectType, id: n.objectId },
  read: n.readAt !== null,
  createdAt: new Date(n.createdAt).toISOString(),
});

const ListQuery = z
  .object({
    unread: z.enum(["true", "false"]).default("false").openapi({ description: "`true`: only the unread ones." }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    before: Uuid.optional().openapi({ description: "The id of the last notification of the previous page (`next`)." }),
  })
  .strict();

const CountQuery = z
  .object({
    known: z.coerce.number().int().min(0).max(1_000_000).optional().openapi({ description: "The count the client shows: with `Prefer: wait=N`, answered as soon as the count differs from it." }),
  })
  .strict();

const Settings = z.object({ email: z.boolean().openapi({ description: "Whether notifications also come by e-mail (default true)." }) }).strict().openapi("NotificationSettings");

export function notificationsRoutes(routes: Routes, service: NotificationsService, changes: ChangeFeed): void {
  routes.add({
    method: "get",
    path: "/v1/notifications",
    operationId: "notifications.list",
    summary: "Your notifications, newest first",
    description:
      "The caller's own notifications (a session's person; for an API key, the person it belongs to). `unread=true` lists only unread ones. Page with `limit` and `before`: `next` is the `before` of the next page, null on the last.",
    tag: TAG,
    query: ListQuery,
    status: 200,
    response: z.object({ items: z.array(NotificationView), next: z.string().nullable() }),
    handler: async ({ auth, query }) => {
      const items = await service.list(auth, { unread: query.unread === "true", limit: query.limit, before: query.before });
      return { items: items.map(view), next: items.length === query.limit ? items[items.length - 1].id : null };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/notifications/unread-count",
    operationId: "notifications.unreadCount",
    summary: "How many of your notifications are unread; with `Prefer: wait=N` and `known`, answered when it changes",
    description:
      "Cheap (an index on the unread ones). With `known` (the count you show) and `Prefer: wait=N`, the answer waits until the count differs from it, or N seconds (at most 30): a bell stays current without polling.",
    tag: TAG,
    query: CountQuery,
    headers: PreferWait,
    status: 200,
    response: z.object({ unread: z.number().int() }).openapi("UnreadCount"),
    handler: async ({ auth, query, req, res }) => {
      const wait = preferredWait(req.get("prefer"));
      res.vary("Prefer");
      if (wait > 0) res.set("Preference-Applied", `wait=${wait}`);
      const read = async () => ({ unread: await service.unreadCount(auth) });
      return changes.until(read, (c) => String(c.unread), (c) => query.known === undefined || c.unread !== query.known, wait);
    },
  });

  routes.add({
    method: "post",
    path: "/v1/notifications/:id/read",
    operationId: "notifications.markRead",
    summary: "Mark one of your notifications read",
    description: "Your own notifications only (404 for anyone else's). Marking a read one again changes nothing. Any duty may: it is the person's own state.",
    tag: TAG,
    anyDuty: true,
    params: Id,
    status: 200,
    response: NotificationView,
    handler: async ({ auth, params }) => view(await service.read(auth, params.id)),
  });

  routes.add({
    method: "post",
    path: "/v1/notifications/read-all",
    operationId: "notifications.markAllRead",
    summary: "Mark all your notifications read",
    description: "Answers how many were unread. Your own notifications only; any duty may.",
    tag: TAG,
    anyDuty: true,
    status: 200,
    response: z.object({ marked: z.number().int() }),
    handler: async ({ auth }) => ({ marked: await service.readAll(auth) }),
  });

  routes.add({
    method: "get",
    path: "/v1/notifications/settings",
    operationId: "notifications.settings",
    summary: "Whether your notifications also come by e-mail",
    description: "The caller's own choice; e-mail is on until turned off.",
    tag: TAG,
    status: 200,
    response: Settings,
    handler: async ({ auth }) => service.settings(auth),
  });

  routes.add({
    method: "post",
    path: "/v1/notifications/settings",
    operationId: "notifications.updateSettings",
    summary: "Turn your notification e-mails on or off",
    description: "The caller's own choice; notifications made from now on follow it (a mail already queued is skipped if turned off). Any duty may.",
    tag: TAG,
    anyDuty: true,
    body: Settings,
    status: 200,
    response: Settings,
    handler: async ({ auth, body }) => service.setSettings(auth, body),
  });
}
