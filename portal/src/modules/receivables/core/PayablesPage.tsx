import { Placeholder } from "../../../shared/Placeholder";

export function PayablesPage() {
  return <Placeholder ns="receivables" title="payables.title" />;
}
