import { Placeholder } from "../../shared/Placeholder";

export function DraftQueuePage() {
  return <Placeholder ns="approvals" title="queue.title" />;
}
