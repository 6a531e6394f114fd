import { Placeholder } from "../../shared/Placeholder";

export function CertificatePage() {
  return <Placeholder ns="receivables" title="detail.title" />;
}
