import { DEMO_PASSWORD } from "./people";
import { PersonSession } from "./session";
import { signAs } from "./signing";

const DAY_MS = 86_400_000;

/** One finding of the check: who, what they found, and whether it is what the demo promised. */
export interface Finding {
  who: string;
  found: string;
  ok: boolean;
}

/**
 * After `npm run demo`, signs in as the demo's people (as the portal does) and looks for the work
 * the demo left them, then does the one thing that used to fail after the demo: a supplier asks
 * for financing on a certificate it holds, a bank quotes, the supplier accepts, and it is funded
 * (not SIGNATURE.EXPIRED). `emails` names the people to sign in as: a core enterprise's approver
 * and clerk, a bank's approver, the supplier with quotes waiting, a tier-2 supplier with an offer,
 * the operator, and a supplier (with a certificate to finance) for the financing.
 */
export async function checkDemo(baseUrl: string, emails: { coreApprover: string; bankApprover: string; quotedSupplier: string; offeredSupplier: string; operator: string; financingSupplier: string }): Promise<Finding[]> {
  const as = (email: string) => PersonSession.signIn(baseUrl, email, DEMO_PASSWORD);
  const findings: Finding[] = [];
  const note = (who: string, found: string, ok: boolean) => findings.push({ who, found, ok });

  const core = await as(emails.coreApprover);
  const pending = (await core.get("/v1/receivables?role=obligor&status=pending&limit=200")).items;
  note(emails.coreApprover, `${pending.length} receivable(s) to confirm`, pending.length > 0);
  const drafts = (await core.get("/v1/drafts?status=pending")).items;
  note(emails.coreApprover, `${drafts.length} draft(s) to approve: ${drafts.map((d: any) => d.action).join("; ")}`, drafts.length > 0);

  const bank = await as(emails.bankApprover);
  const open = (await bank.get("/v1/financing-requests?status=open")).items.filter((x: any) => !x.request.quotes?.length);
  note(emails.bankApprover, `${open.length} open financing request(s) to quote`, open.length > 0);

  const quoted = await as(emails.quotedSupplier);
  const mine = (await quoted.get("/v1/financing-requests?status=open")).items;
  let quotes = 0;
  for (const x of mine) quotes += (await quoted.get(`/v1/financing-requests/${x.request.id}/quotes`)).items.length;
  note(emails.quotedSupplier, `${quotes} quote(s) to accept`, quotes > 0);

  const offered = await as(emails.offeredSupplier);
  const offers = (await offered.get("/v1/receivables/offers")).items;
  note(emails.offeredSupplier, `${offers.length} certificate(s) offered to sign for (签收)`, offers.length > 0);

  const operator = await as(emails.operator);
  const kyc = (await operator.get("/v1/organizations?limit=200")).items.filter((o: any) => o.status === "pending");
  note(emails.operator, `${kyc.length} organization(s) waiting for KYC approval`, kyc.length > 0);

  // the financing: the supplier's approver, a bank with a line for the obligor, on the ledger's clock of now
  const supplier = await as(emails.financingSupplier);
  const me = await supplier.get("/v1/me");
  const held = (await supplier.get("/v1/receivables?status=confirmed&limit=500")).items.filter((r: any) => r.holderId === me.organization.id && !r.financing && Date.parse(r.maturity) > Date.now() + 10 * DAY_MS && Date.parse(r.maturity) < Date.now() + 150 * DAY_MS);
  const busy = new Set((await supplier.get("/v1/financing-requests?status=open,accepted")).items.map((x: any) => x.receivable.id));
  const cert = held.find((r: any) => !busy.has(r.id));
  if (!cert) {
    note(emails.financingSupplier, "no certificate to finance", false);
    return findings;
  }
  const req = await supplier.post("/v1/financing-requests", { receivableId: cert.id });
  const validUntil = new Date(Math.min(Date.now() + 3600_000, Date.parse(cert.maturity) - DAY_MS)).toISOString();
  const quote = await bank.post(`/v1/financing-requests/${req.id}/quotes`, { advanceRateBp: 9000, annualRateBp: 450, dayCount: 365, fee: "0", recourse: false, validUntil });
  // both sign the financing agreement with their own keys, as the portal has them do
  const agreement = await bank.get(`/v1/quotes/${quote.id}/agreement`);
  await signAs(bank, agreement.id, "quote");
  await signAs(supplier, agreement.id, "accept");
  const accepted = await supplier.post(`/v1/quotes/${quote.id}/acceptance`);
  for (const end = Date.now() + 120_000; ; ) {
    const f = await supplier.get(`/v1/financings/${accepted.id}`);
    if (f.status === "funded" || f.status === "failed") {
      note(emails.financingSupplier, `financing of certificate ${cert.certificateId}: ${f.status}${f.failure ? ` (${f.failure.code ?? ""} ${f.failure.reason})` : ""}`, f.status === "funded");
      break;
    }
    if (Date.now() > end) {
      note(emails.financingSupplier, `financing of certificate ${cert.certificateId}: still ${f.status} after two minutes`, false);
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return findings;
}
