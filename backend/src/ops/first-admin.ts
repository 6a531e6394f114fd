import { randomBytes } from "node:crypto";

/**
 * A new organization's first admin, as onboarding makes one now that the operator never holds a
 * member's credentials: the operator (an approver) invites the admin, the admin accepts the
 * invitation with a password (which signs them in) and issues their own API key in that session.
 * The scripts (seed loader) and the tests play the admin's part here. An auditor's admin issues no
 * key (an auditor changes nothing, keys included): `issueKey: false` stops after signing in.
 */
export async function firstAdminKey(
  baseUrl: string,
  operatorKey: string,
  organizationId: string,
  person: { email: string; name: string; password?: string; label?: string; issueKey?: boolean },
): Promise<{ userId: string; key: string; keyId: string; password: string; session: string; csrf: string }> {
  const json = async (res: Response, what: string, status: number) => {
    const text = await res.text();
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const invited = await json(
    await fetch(`${baseUrl}/v1/organizations/${organizationId}/invitations`, {
      method: "POST",
      headers: { authorization: `Bearer ${operatorKey}`, "content-type": "application/json" },
      body: JSON.stringify({ email: person.email, name: person.name, role: "admin", duty: "approver" }),
    }),
    "inviting the first admin",
    201,
  );
  const password = person.password ?? randomBytes(18).toString("base64url");
  const acceptance = await fetch(`${baseUrl}/v1/invitations/acceptance`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: invited.token, password }),
  });
  const cookies = new Map(acceptance.headers.getSetCookie().map((c) => c.split(";")[0].split("=") as [string, string]));
  const accepted = await json(acceptance, "accepting the first admin's invitation", 201);
  const session = cookies.get("cf_session")!;
  const csrf = accepted.csrfToken as string;
  if (person.issueKey === false) return { userId: accepted.user.id, key: "", keyId: "", password, session, csrf };
  const issued = await json(
    await fetch(`${baseUrl}/v1/api-keys`, {
      method: "POST",
      headers: { cookie: `cf_session=${session}; cf_csrf=${csrf}`, "x-csrf-token": csrf, "content-type": "application/json", origin: baseUrl },
      body: JSON.stringify({ label: person.label ?? "first admin" }),
    }),
    "the first admin's API key",
    201,
  );
  return { userId: accepted.user.id, key: issued.key, keyId: issued.id, password, session, csrf };
}
