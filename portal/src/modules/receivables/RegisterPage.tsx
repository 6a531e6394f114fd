import { Placeholder } from "../../shared/Placeholder";

export function RegisterPage() {
  return <Placeholder ns="receivables" title="register.title" />;
}
