import { withUsccCheck } from "../../modules/onboarding";
import type { SeededOrganization } from "../seed";
import { ApiClient, pool } from "./client";

/** Every demo person's password (development only). */
export const DEMO_PASSWORD = "chainfactor-demo";
export const DUTIES = ["approver", "clerk", "viewer"] as const;
/** The demo people's names: the same three in every organization (a finance manager, an accounts clerk, an analyst). */
const NAMES = { approver: "王建国", clerk: "李晓梅", viewer: "陈思远" } as const;

export interface DemoLogin {
  organization: string;
  roles: string[];
  emails: Partial<Record<(typeof DUTIES)[number], string>>;
}

/** "Yuchuan Automobile Group Co., Ltd." → "yuchuan-automobile-group". */
export const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/\b(co|ltd|inc)\b\.?/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

/**
 * People for the portal: for the operator, a regulator (an auditor organization the demo onboards)
 * and every seed organization, one person per duty (approver, who is also the organization's
 * admin; clerk; viewer), invited by the organization's own admin (its seeded key; the operator's
 * for its own people) and accepted with the demo password, as a new member would through the
 * invitation link. The regulator reads only, so it has one person: its first admin, whom the
 * operator invites.
 */
export async function createDemoPeople(o: {
  api: ApiClient;
  operatorKey: string;
  operatorInvitation: string;
  organizations: SeededOrganization[];
  log: (line: string) => void;
}): Promise<DemoLogin[]> {
  const { api, operatorKey } = o;
  const me = await api.get("/v1/me", operatorKey);
  await accept(api.baseUrl, o.operatorInvitation);
  const regulator = await onboardRegulator(api, operatorKey);
  const operator = { id: me.organization.id, englishName: "ChainFactor Operator", roles: ["operator"] };
  const [first] = await invitePeople(api, operatorKey, [operator], ["clerk", "viewer"]);
  const logins = [{ ...first, emails: { ...first.emails, approver: me.user.email } }, ...(await invitePeople(api, operatorKey, [regulator, ...o.organizations]))];
  o.log(`      ${logins.reduce((n, l) => n + Object.keys(l.emails).length, 0)} people in ${logins.length} organizations can sign in to the portal`);
  return logins;
}

/**
 * Invites `<duty>@<organization slug>.demo` for each duty into each organization, accepted with the
 * demo password. An organization's own key (`key`) invites its people; one without (the operator's
 * own, or a new organization) is invited with `operatorKey`: the operator invites its own people,
 * and a new organization's first admin only. An auditor organization gets its approver (admin) only.
 */
export async function invitePeople(
  api: ApiClient,
  operatorKey: string,
  organizations: { id: string; englishName: string; roles: string[]; key?: string }[],
  duties: readonly (typeof DUTIES)[number][] = DUTIES,
): Promise<DemoLogin[]> {
  return pool(organizations, 4, async (org) => {
    const slug = slugOf(org.englishName);
    const all = { approver: `approver@${slug}.demo`, clerk: `clerk@${slug}.demo`, viewer: `viewer@${slug}.demo` };
    const mine = org.roles.includes("auditor") ? duties.filter((d) => d === "approver") : duties;
    for (const duty of mine) {
      const invited = await api.post(`/v1/organizations/${org.id}/invitations`, org.key ?? operatorKey, {
        email: all[duty],
        name: NAMES[duty],
        duty,
        role: duty === "approver" ? "admin" : "member",
      });
      await accept(api.baseUrl, invited.token);
    }
    const emails: Partial<Record<(typeof DUTIES)[number], string>> = Object.fromEntries(mine.map((d) => [d, all[d]]));
    return { organization: org.englishName, roles: org.roles, emails };
  });
}

async function accept(baseUrl: string, token: string): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/invitations/acceptance`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, password: DEMO_PASSWORD }),
  });
  if (res.status !== 201) throw new Error(`accepting an invitation: ${res.status} ${await res.text()}`);
}

/** The regulator: an auditor organization, read-only in the portal. */
export async function onboardRegulator(api: ApiClient, operatorKey: string) {
  const englishName = "Chongqing Financial Regulatory Office";
  const org = await api.post("/v1/organizations", operatorKey, {
    legalName: "重庆金融监管局（演示）",
    unifiedSocialCreditCode: withUsccCheck("11500000MB0000001"),
    roles: ["auditor"],
    contacts: [{ name: "Regulator", email: "regulator@example.com" }],
  });
  const approved = await api.post(`/v1/organizations/${org.id}/kyc-approval`, operatorKey, {});
  await api.mined([approved.operation.id], operatorKey);
  return { id: org.id as string, englishName, roles: ["auditor"] };
}
