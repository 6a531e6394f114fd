import { Placeholder } from "../../shared/Placeholder";

export function MyDraftsPage() {
  return <Placeholder ns="approvals" title="mine.title" />;
}
