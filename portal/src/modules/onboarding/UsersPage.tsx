import { Placeholder } from "../../shared/Placeholder";

export function UsersPage() {
  return <Placeholder ns="onboarding" title="users.title" />;
}
