/**
 * The platform a browser test file runs against: its own Stack (API serving the built portal,
 * worker, indexer, ledger), the cq-auto seed organizations, money and credit lines set up through
 * the API with keys (not what the browser tests are about), and people who sign in to the portal
 * (approver@/clerk@/viewer@<slug>.demo with the demo password, as `npm run demo` creates them).
 */
import { Stack } from "../../backend/support/stack";
import { eventually, type Api } from "../../backend/support/http";
import { loadSeeds, type SeededOrganization } from "../../../backend/src/ops/seed";
import type { SeedInvoice } from "../../../backend/src/modules/invoices/adapters/seed-files";
import { ApiClient } from "../../../backend/src/ops/demo/client";
import { DEMO_PASSWORD, invitePeople, onboardRegulator, slugOf } from "../../../backend/src/ops/demo/people";
import { withUsccCheck } from "../../../backend/src/modules/onboarding/uscc";

export { DEMO_PASSWORD, eventually };

export const YUAN = 100n;
export const CORE = "91500112MA8Q2595Y2"; // Yuchuan Automobile Group (cq-auto)
export const OTHER_CORE = "91510112MAQGW5Q7HW"; // Shuneng Power Battery (cq-auto)
export const TIER1 = "91500109MALJ2FN9Q6"; // Chongqing Zhonghe Automotive Lighting (sells to Yuchuan)
export const TIER2 = "91500109MA12KDNP3R"; // Chongqing Shujin Precision Stamping (sells to Zhonghe)
export const OTHER_TIER1 = "91500113MADBX97YDM"; // Chongqing Liangmu Automotive Seating (no relation to Zhonghe)

/** The operator's name for its people's emails, as `npm run demo` has it (approver@chainfactor-operator.demo). */
const OPERATOR_NAME = "ChainFactor Operator";

export type Duty = "approver" | "clerk" | "viewer";

export interface World {
  stack: Stack;
  api: Api;
  baseURL: string;
  orgs: Map<string, SeededOrganization>;
  banks: SeededOrganization[];
  issuer: SeededOrganization;
  regulatorId: string;
  /** An organization the operator created and has not approved: the onboarding queue's entry. */
  pendingId: string;
  /** The portal login of `duty` in the organization with this USCC (or "operator" / "regulator"). */
  email(uscc: string, duty: Duty): string;
  key(uscc: string): string;
  id(uscc: string): string;
  mined(operationId: string, key: string): Promise<unknown>;
  receivable(id: string, key: string, status: string): Promise<any>;
  close(): Promise<void>;
}

export const maturity = (days: number) => new Date(Date.now() + days * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);

export async function startWorld(o: {
  suppliers: string[];
  invoices?: (inv: SeedInvoice) => boolean;
  invoicesPerSupplier?: number;
  /** The organizations (USCCs) whose people sign in; the operator and the regulator always do. */
  people: string[];
}): Promise<World> {
  // NODE_ENV=test makes the session cookies Secure; Chromium keeps no Secure cookie set over plain
  // http://127.0.0.1, so the browser would never be signed in. The browser stacks turn that off.
  const stack = await Stack.start({ env: { KEEPER_INTERVAL_MS: "300", KEEPER_RETRY_MS: "500", SESSION_COOKIE_SECURE: "false", REQUEST_BODY_LIMIT: "1mb" } });
  try {
    const api = stack.api;
    const seeded = await loadSeeds({
      baseUrl: api.baseUrl,
      operatorKey: stack.operatorKey,
      subset: { scenarios: ["cq-auto"], suppliers: o.suppliers, invoices: o.invoices ?? (() => false), invoicesPerSupplier: o.invoicesPerSupplier },
      waitForVerificationMs: 60_000,
      activeTimeoutMs: 60_000,
    });
    const orgs = new Map(seeded.organizations.map((x) => [x.uscc, x]));
    const banks = seeded.organizations.filter((x) => x.roles.includes("bank"));
    const issuer = seeded.organizations.find((x) => x.roles.includes("settlement_issuer"))!;
    const mined = (operationId: string, key: string) =>
      eventually(async () => {
        const r = await api.get(`/v1/operations/${operationId}`, { key });
        if (r.body.status === "failed") throw new Error(`operation ${operationId} failed: ${JSON.stringify(r.body.error)}`);
        return r.body.status === "mined" ? r.body : null;
      }, 30_000, `operation ${operationId}`);

    // people: the operator's first admin takes its invitation, and the operator's approver is a
    // demo person like the others' (王建国, approver@chainfactor-operator.demo, as `npm run demo`
    // names the operator's people); the regulator is an auditor organization
    const client = new ApiClient(api.baseUrl);
    const accepted = await api.post("/v1/invitations/acceptance", { token: stack.operatorInvitation, password: DEMO_PASSWORD });
    if (accepted.status !== 201) throw new Error(`operator invitation: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    const operator = { id: stack.operatorOrgId, englishName: OPERATOR_NAME, roles: ["operator"] };
    const regulator = await onboardRegulator(client, stack.operatorKey);
    await invitePeople(client, stack.operatorKey, [operator], ["approver"]);
    await invitePeople(client, stack.operatorKey, [regulator, ...o.people.map((u) => orgs.get(u)!)]);
    // the onboarding queue is not empty: one organization created, its KYC not approved
    const pending = await api.post(
      "/v1/organizations",
      {
        legalName: "重庆渝新汽车零部件有限公司",
        unifiedSocialCreditCode: withUsccCheck("91500107MA6PENDN0"),
        roles: ["supplier"],
        enterpriseSize: "small",
        contacts: [{ name: "刘志强", email: "liu.zhiqiang@yuxin-parts.example" }],
      },
      { key: stack.operatorKey },
    );
    if (pending.status !== 201) throw new Error(`pending organization: ${pending.status} ${JSON.stringify(pending.body)}`);

    // money: the issuer deposits for the banks and the core enterprise; the core authorizes repayment
    const core = orgs.get(CORE)!;
    const ops: string[] = [];
    for (const organizationId of [...banks.map((b) => b.id), core.id]) {
      const r = await api.post("/v1/settlement/deposits", { organizationId, amount: (10_000_000_000n * YUAN).toString() }, { key: issuer.key });
      if (r.status !== 202) throw new Error(`deposit: ${r.status} ${JSON.stringify(r.body)}`);
      ops.push(r.body.id);
    }
    for (const op of ops) await mined(op, issuer.key);
    const auth = await api.post("/v1/settlement/repayment-authorization", { amount: (10_000_000_000n * YUAN).toString() }, { key: core.key });
    await mined(auth.body.id, core.key);
    // the first two banks open credit lines on the core enterprise
    for (const bank of banks.slice(0, 2)) {
      const line = await api.post("/v1/credit-lines", { obligorId: core.id, limit: (500_000_000n * YUAN).toString() }, { key: bank.key });
      if (line.status !== 202) throw new Error(`credit line: ${line.status} ${JSON.stringify(line.body)}`);
      await mined(line.body.operation.id, bank.key);
    }

    return {
      stack,
      api,
      baseURL: api.baseUrl,
      orgs,
      banks,
      issuer,
      regulatorId: regulator.id,
      pendingId: pending.body.id,
      email: (uscc, duty) => {
        const name = uscc === "operator" ? OPERATOR_NAME : uscc === "regulator" ? regulator.englishName : orgs.get(uscc)!.englishName;
        return `${duty}@${slugOf(name)}.demo`;
      },
      key: (uscc) => orgs.get(uscc)!.key,
      id: (uscc) => orgs.get(uscc)!.id,
      mined,
      receivable: (id, key, status) =>
        eventually(async () => {
          const r = await api.get(`/v1/receivables/${id}`, { key });
          return r.body.status === status ? r.body : null;
        }, 30_000, `receivable ${id} to be ${status}`),
      close: () => stack.close(),
    };
  } catch (e) {
    await stack.close();
    throw e;
  }
}
