import { Placeholder } from "../../../shared/Placeholder";

export function CoreHome() {
  return <Placeholder ns="receivables" title="home.core" />;
}
