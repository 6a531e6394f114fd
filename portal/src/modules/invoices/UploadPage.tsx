import { Placeholder } from "../../shared/Placeholder";

export function UploadPage() {
  return <Placeholder ns="invoices" title="upload.title" />;
}
