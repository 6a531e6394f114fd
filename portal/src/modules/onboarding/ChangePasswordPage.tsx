import { Placeholder } from "../../shared/Placeholder";

export function ChangePasswordPage() {
  return <Placeholder ns="onboarding" title="password.title" />;
}
