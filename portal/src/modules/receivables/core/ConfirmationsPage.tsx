import { Placeholder } from "../../../shared/Placeholder";

export function ConfirmationsPage() {
  return <Placeholder ns="receivables" title="confirm.title" />;
}
