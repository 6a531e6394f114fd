import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { Card } from "../../../shared/ui";
import { ConfirmationQueue } from "./ConfirmationsPage";
import { PayablesCalendar, RepaymentCoverage } from "./PayablesPage";

/** The core enterprise's overview: what awaits confirmation, the repayment cover, the payables by week. */
export function CoreHome() {
  const { t } = useTranslation("receivables");
  return (
    <>
      <Card title={t("home.core")}>
        <ConfirmationQueue compact />
        <ul className="links">
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
