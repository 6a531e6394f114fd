/** A person's notifications, newest first: each links to its object; mark one or all read; mail on or off. */
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get, post, queryClient } from "../../api/client";
import { formatDateTime } from "../../shared/dates";
import { Button, EmptyState, Page, ProblemMessage, QueryState } from "../../shared/ui";
import { linkOf, type Notification } from "./links";
import { useNotificationText } from "./text";
import { refreshNotifications } from "./unread";
import "./notifications.css";

const PAGE = 20;

export function NotificationsPage() {
  const { t } = useTranslation("notifications");
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = useInfiniteQuery({
    queryKey: ["notifications", "list", unreadOnly],
    queryFn: ({ pageParam }) => get("/v1/notifications", { params: { query: { unread: unreadOnly ? "true" : "false", limit: PAGE, ...(pageParam ? { before: pageParam } : {}) } } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    staleTime: 0,
  });
  const readAll = useMutation({ mutationFn: () => post("/v1/notifications/read-all"), onSuccess: () => void refreshNotifications() });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Page title={t("title")}>
      <div className="notification-actions">
        <div className="lang-switch notification-filter" role="group" aria-label={t("filter.label")}>
          <button type="button" className="lang-btn" aria-pressed={!unreadOnly} onClick={() => setUnreadOnly(false)}>
            {t("filter.all")}
          </button>
          <button type="button" className="lang-btn" aria-pressed={unreadOnly} onClick={() => setUnreadOnly(true)}>
            {t("filter.unread")}
          </button>
        </div>
        <Button variant="secondary" busy={readAll.isPending} onClick={() => readAll.mutate()} disabled={!items.some((n) => !n.read)}>
          {t("readAll")}
        </Button>
        <MailChoice />
      </div>
      <ProblemMessage error={readAll.error} />
      <QueryState query={list}>
        {() =>
          items.length === 0 ? (
            <EmptyState title={unreadOnly ? t("emptyUnread") : t("empty")} />
          ) : (
            <>
              <ul className="notification-list" aria-label={t("title")}>
                {items.map((n) => (
                  <Item key={n.id} n={n} />
                ))}
              </ul>
              {list.hasNextPage ? (
                <Button variant="secondary" busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                  {t("more")}
                </Button>
              ) : null}
            </>
          )
        }
      </QueryState>
    </Page>
  );
}

function Item({ n }: { n: Notification }) {
  const { t } = useTranslation("notifications");
  const text = useNotificationText();
  const read = useMutation({ mutationFn: () => post("/v1/notifications/{id}/read", { params: { path: { id: n.id } } }), onSuccess: () => void refreshNotifications() });
  return (
    <li className={n.read ? "notification" : "notification notification-unread"}>
      <span className="notification-dot" aria-hidden="true" />
      <div className="notification-body">
        <Link to={linkOf(n.object)} onClick={() => (n.read ? undefined : read.mutate())}>
          {text(n)}
        </Link>
        {n.params.reason ? <div>{t("reason", { reason: n.params.reason })}</div> : null}
        <div className="notification-time muted">
          {formatDateTime(n.createdAt)}
          {n.read ? null : <span className="visually-hidden"> · {t("unread")}</span>}
        </div>
        <ProblemMessage error={read.error} />
      </div>
      {n.read ? null : (
        <Button variant="secondary" busy={read.isPending} onClick={() => read.mutate()}>
          {t("markRead")}
        </Button>
      )}
    </li>
  );
}

/** Whether notifications also come by e-mail: the person's own choice. */
function MailChoice() {
  const { t } = useTranslation("notifications");
  const settings = useQuery({ queryKey: ["notifications", "settings"], queryFn: () => get("/v1/notifications/settings") });
  const change = useMutation({
    mutationFn: (email: boolean) => post("/v1/notifications/settings", { body: { email } }),
    onSuccess: (s) => queryClient.setQueryData(["notifications", "settings"], s),
  });
  if (!settings.data) return null;
  return (
    <span className="notification-mail">
      <label>
        <input type="checkbox" checked={settings.data.email} disabled={change.isPending} onChange={(e) => change.mutate(e.target.checked)} /> {t("mail")}
      </label>
      <ProblemMessage error={change.error} />
    </span>
  );
}
