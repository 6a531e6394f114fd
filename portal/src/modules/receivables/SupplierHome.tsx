import { Placeholder } from "../../shared/Placeholder";

export function SupplierHome() {
  return <Placeholder ns="receivables" title="home.supplier" />;
}
