/** The API's rule for passwords (portal-contract.md): 12 to 200 characters. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

export type PasswordProblem = "short" | "long" | "mismatch" | null;

export function passwordProblem(password: string, repeat: string): PasswordProblem {
  if (password.length < PASSWORD_MIN) return "short";
  if (password.length > PASSWORD_MAX) return "long";
  if (password !== repeat) return "mismatch";
  return null;
}
