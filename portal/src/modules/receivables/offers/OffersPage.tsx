/**
 * 待签收: the supplier's inbox of certificates offered to it (issued by a core enterprise,
 * transferred or split to it by another supplier), each accepted (签收) or refused with a reason
 * (拒签); and the offers it made that wait for their receiver, which it may withdraw (撤回).
 */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, useLocation } from "react-router-dom";
import { LiveOperation } from "../../../shared/operation";
import { Card, EmptyState, Notice, Page, QueryState } from "../../../shared/ui";
import { OfferCard, type Decision } from "./OfferCard";
import { useOffers, type Direction } from "./queries";

function OfferTabs() {
  const { t } = useTranslation("receivables");
  const incoming = useOffers("incoming");
  const outgoing = useOffers("outgoing");
  const count = (n: number | undefined) => (n === undefined ? "" : ` (${n})`);
  return (
    <nav aria-label={t("offers.sections")} className="tabs">
      <NavLink to="/receivables/offers" end>
        {t("offers.incoming")}
        {count(incoming.data?.length)}
      </NavLink>
      <NavLink to="/receivables/offers/sent">
        {t("offers.outgoing")}
        {count(outgoing.data?.length)}
      </NavLink>
    </nav>
  );
}

export function IncomingOffersPage() {
  const { t } = useTranslation("receivables");
  // a refusal made on the certificate's own page, which the refused certificate has left
  const refused = (useLocation().state as { refused?: string } | null)?.refused;
  return (
    <Page title={t("offers.title")}>
      <OfferTabs />
      {refused ? <Notice tone="success">{t("offers.did.refuse", { label: refused })}</Notice> : null}
      <p className="muted">{t("offers.intro")}</p>
      <OfferList direction="incoming" />
    </Page>
  );
}

export function OutgoingOffersPage() {
  const { t } = useTranslation("receivables");
  return (
    <Page title={t("offers.sentTitle")}>
      <OfferTabs />
      <p className="muted">{t("offers.sentIntro")}</p>
      <OfferList direction="outgoing" />
    </Page>
  );
}

/** The offers in one direction as cards, and what became of those decided here. */
export function OfferList({ direction }: { direction: Direction }) {
  const { t } = useTranslation("receivables");
  const offers = useOffers(direction);
  const [decisions, setDecisions] = useState<Decision[]>([]);
  // an offer decided here leaves the list at once (its operation is followed below), so that it is
  // not decided twice while the ledger writes it
  const gone = new Set(decisions.filter((d) => d.operationId).map((d) => d.receivableId));
  const rows = (offers.data ?? []).filter((o) => !gone.has(o.receivableId));
  return (
    <>
      {decisions.length ? <Outcomes decisions={decisions} /> : null}
      <QueryState query={offers}>
        {() =>
          rows.length === 0 ? (
            <EmptyState title={direction === "incoming" ? t("offers.empty") : t("offers.sentEmpty")} />
          ) : (
            <div className="offer-cards" role="list" aria-label={t(direction === "incoming" ? "offers.caption" : "offers.sentCaption", { count: rows.length })}>
              {rows.map((o) => (
                <div role="listitem" key={o.receivableId}>
                  <OfferCard offer={o} direction={direction} onDecided={(d) => setDecisions((ds) => [d, ...ds.filter((x) => x.receivableId !== d.receivableId)])} />
                </div>
              ))}
            </div>
          )
        }
      </QueryState>
    </>
  );
}

function Outcomes({ decisions }: { decisions: Decision[] }) {
  const { t } = useTranslation(["receivables", "common"]);
  return (
    <Card title={t("offers.outcomes")}>
      <ul className="plain-list outcomes">
        {decisions.map((d) => (
          <li key={d.receivableId}>
            {d.operationId ? (
              <>
                <span>{t(`offers.did.${d.action}`, { label: d.label })}</span> <LiveOperation id={d.operationId} />
              </>
            ) : (
              // a clerk's decision waits for an approver
              <span>{t(`offers.drafted.${d.action}`, { label: d.label })}</span>
            )}
            {d.action === "accept" ? (
              <>
                {" "}
                <Link to={`/receivables/${d.receivableId}`}>{t("offer.open")}</Link>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </Card>
  );
}
