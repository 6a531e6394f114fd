import { Placeholder } from "../../shared/Placeholder";

export function CertificatesPage() {
  return <Placeholder ns="receivables" title="list.title" />;
}
