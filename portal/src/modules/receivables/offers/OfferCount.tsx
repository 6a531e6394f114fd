import { useTranslation } from "react-i18next";
import { useOffers } from "./queries";

/** The number of offers waiting, for the navigation entry (nothing when none wait). */
export function IncomingOfferCount() {
  const { t } = useTranslation("receivables");
  const offers = useOffers("incoming");
  const n = offers.data?.length ?? 0;
  if (n === 0) return null;
  return (
    <span className="nav-count">
      <span aria-hidden="true">{n}</span>
      <span className="visually-hidden">{t("offers.countLabel", { count: n })}</span>
    </span>
  );
}
