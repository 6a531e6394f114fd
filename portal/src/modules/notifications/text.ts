import { useTranslation } from "react-i18next";
import { formatFen } from "../../shared/money";
import type { Notification } from "./links";

/** A notification's sentence in the reader's language, from its kind and figures (the API stores no prose). */
export function useNotificationText() {
  const { t } = useTranslation("notifications");
  return (n: Notification): string => {
    const p = n.params;
    const fen = (v: string | null | undefined) => (v ? formatFen(v) : "");
    return t(`kind.${n.kind}`, {
      who: p.counterparty ?? t("someone"),
      cert: p.certificateId ? `#${p.certificateId}` : "",
      amount: fen(p.amount),
      advance: fen(p.advance),
      paid: fen(p.paid),
      outstanding: fen(p.outstanding),
      drafter: p.drafter ?? t("aClerk"),
    });
  };
}
