import { Placeholder } from "../../shared/Placeholder";

export function InvoicesPage() {
  return <Placeholder ns="invoices" title="list.title" />;
}
