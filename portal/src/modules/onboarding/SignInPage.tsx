import { Placeholder } from "../../shared/Placeholder";

export function SignInPage() {
  return <Placeholder ns="onboarding" title="signIn.title" />;
}
