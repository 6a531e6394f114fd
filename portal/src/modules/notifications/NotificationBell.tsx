/** The bell in the shell's top bar: the person's unread count, a link to their notifications. */
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { useUnreadCount } from "./unread";
import "./notifications.css";

export function NotificationBell() {
  const { t } = useTranslation("notifications");
  const count = useUnreadCount();
  const n = count.data?.unread ?? 0;
  return (
    <Link to="/notifications" className="bell" aria-label={n > 0 ? t("bell.unread", { count: n }) : t("bell.none")} data-unread={n}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" focusable="false">
        <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" fill="currentColor" />
      </svg>
      {n > 0 ? (
        <span className="bell-count" aria-hidden="true">
          {n > 99 ? "99+" : n}
        </span>
      ) : null}
    </Link>
  );
}
