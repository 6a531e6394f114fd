/** What waits for the supplier's acceptance (待签收) on its home page: the offers expiring first, and the way to the inbox. */
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { formatDateTime } from "../../../shared/dates";
import { Money } from "../../../shared/Money";
import { LongTermMark } from "../../../shared/Term";
import { Card, DataTable, Notice } from "../../../shared/ui";
import { OfferKind, offerLabel } from "./OfferCard";
import { useOffers, type Offer } from "./queries";

/** How many of the offers expiring first the home page lists. */
const FIRST = 5;

export function OffersHome() {
  const { t } = useTranslation("receivables");
  const offers = useOffers("incoming");
  const rows = offers.data ?? [];
  if (!offers.data || rows.length === 0) return null;
  const paused = rows.filter((o) => o.obligor.paused).length;
  return (
    <Card title={t("offers.homeTitle", { count: rows.length })} className="offers-home">
      <p>{t("offers.homeIntro", { count: rows.length })}</p>
      {paused ? <Notice tone="warning" quiet>{t("offers.homePaused", { count: paused })}</Notice> : null}
      <DataTable<Offer>
        caption={t("offers.homeCaption")}
        rows={rows.slice(0, FIRST)}
        rowKey={(o) => o.receivableId}
        columns={[
          { key: "cert", header: t("field.certificate"), rowHeader: true, cell: (o) => offerLabel(o) },
          {
            key: "kind",
            header: t("offer.kindLabel"),
            cell: (o) => (
              <span className="term">
                <OfferKind kind={o.kind} />
                {o.beyondSixMonths ? <LongTermMark /> : null}
              </span>
            ),
          },
          { key: "amount", header: t("field.amount"), numeric: true, cell: (o) => <Money fen={o.amount} /> },
          { key: "expires", header: t("offer.expires"), cell: (o) => formatDateTime(o.expiresAt) },
          { key: "obligor", header: t("field.obligor"), cell: (o) => o.obligor.name },
        ]}
      />
      <ul className="links">
        <li>
          <Link to="/receivables/offers">{t("offers.homeLink", { count: rows.length })}</Link>
        </li>
      </ul>
    </Card>
  );
}
