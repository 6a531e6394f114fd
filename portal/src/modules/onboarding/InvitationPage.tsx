import { Placeholder } from "../../shared/Placeholder";

export function InvitationPage() {
  return <Placeholder ns="onboarding" title="invitation.title" />;
}
