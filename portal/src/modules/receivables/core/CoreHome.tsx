import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { useSession } from "../../../shared/session";
import { Card } from "../../../shared/ui";
import { OwnPauseNotice, useStanding } from "../offers/ObligorStanding";
import { ConfirmationQueue } from "./ConfirmationsPage";
import { PayablesCalendar, RepaymentCoverage } from "./PayablesPage";

/**
 * The core enterprise's overview: whether it is paused as a delinquent obligor (and what to pay),
 * what awaits confirmation, the repayment cover, the payables by week.
 */
export function CoreHome() {
  const { t } = useTranslation("receivables");
  const session = useSession();
  const standing = useStanding(session.organization.id);
  return (
    <>
      <Card title={t("home.core")}>
        {standing.data?.paused ? <OwnPauseNotice standing={standing.data} /> : null}
        <ConfirmationQueue compact />
        <ul className="links">
          <li>
            <Link to="/receivables/issue">{t("home.linkIssue")}</Link>
          </li>
          <li>
            <Link to="/receivables/confirmations">{t("home.linkConfirm")}</Link>
          </li>
          <li>
            <Link to="/payables">{t("home.linkPayables")}</Link>
          </li>
        </ul>
      </Card>
      <RepaymentCoverage showForm={false} />
      <PayablesCalendar />
    </>
  );
}
