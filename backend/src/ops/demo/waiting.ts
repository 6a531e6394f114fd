import { withUsccCheck } from "../../modules/onboarding";
import type { SeededOrganization } from "../seed";
import type { ApiClient } from "./client";
import { DEMO_PASSWORD, type DemoLogin } from "./people";
import { lends, maturity, type DemoResult } from "./scenario";
import { PersonSession } from "./session";
import { showDocuments, signAs } from "./signing";

const DAY_MS = 86_400_000;
const DEMO_PAYOUT_BANK = "中国工商银行";
/** A made-up 19-digit account number, one per organization, from its USCC. */
const demoAccountNumber = (uscc: string) => `6222${[...uscc].map((c) => c.charCodeAt(0) % 10).join("").slice(0, 15)}`;
/** A certificate maturing within this many days is "near maturity" for its holder and its obligor. */
export const NEAR_MATURITY_DAYS = 10;

/** What waits for one person after the demo, in a line each. */
export interface WorkWaiting {
  email: string;
  organization: string;
  items: string[];
}

/** The e-invoice and tax-platform export files in seeds/invoice-files belong to this supplier. */
const FILES_SUPPLIER = "91500113MADBX97YDM";
const INVOICE_FILES = ["tax-export.xlsx", "tax-export-gbk.csv", "einvoice-26502001880000000007.xml", "einvoice-26502001880000000008.ofd"].map((f) => `seeds/invoice-files/${f}`);

/**
 * After the story, work left for every role, done through the public API as people do it (the
 * organizations' keys, and people signed in for what a person does: a clerk's draft, and one
 * financing from request to funds, which shows a financing signed after the story's time travel is
 * funded). Receivables for each core enterprise to confirm (确权), one drafted by its clerk for its
 * approver; a financing request for the banks to quote; quotes for a supplier to accept; a
 * certificate offered to a tier-2 supplier to sign for (签收); an organization for the operator to
 * approve and invite the first admin of; certificates near maturity; invoices to register and files
 * to upload.
 */
export async function leaveWorkWaiting(o: { api: ApiClient; operatorKey: string; result: DemoResult; logins: DemoLogin[]; log: (l: string) => void; documentsDir: string }): Promise<{ waiting: WorkWaiting[]; proof: string; documents: string[] }> {
  const { api, result } = o;
  const orgs = result.organizations;
  const name = (x: { englishName?: string; name: string }) => x.englishName || x.name;
  const byUscc = new Map(orgs.map((x) => [x.uscc, x]));
  const byId = new Map(orgs.map((x) => [x.id, x]));
  const cores = orgs.filter((x) => x.roles.includes("core_enterprise"));
  const banks = orgs.filter((x) => x.roles.includes("bank"));
  const loginOf = new Map(o.logins.map((l) => [l.organization, l]));
  const work = new Map<string, WorkWaiting>();
  const add = (org: { englishName: string }, duty: "approver" | "clerk" | "viewer", item: string) => {
    const email = loginOf.get(org.englishName)?.emails[duty];
    if (!email) return;
    const w = work.get(email) ?? { email, organization: org.englishName, items: [] };
    w.items.push(item);
    work.set(email, w);
  };
  const signIn = (org: SeededOrganization, duty: "approver" | "clerk") => PersonSession.signIn(api.baseUrl, loginOf.get(org.englishName)!.emails[duty]!, DEMO_PASSWORD);

  // receivables to confirm: two per core enterprise from the invoices its suppliers kept back, the second drafted by its clerk
  const kept = result.keptInvoices.flatMap((k) => k.invoices.map((inv) => ({ supplier: k.supplier, inv })));
  const registrations = new Map<SeededOrganization, { obligorId: string; invoiceIds: string[]; maturityDate: string }[]>();
  const used = new Set<string>();
  for (const core of cores) {
    for (const { supplier, inv } of kept.filter((k) => k.inv.buyerTaxId === core.uscc).slice(0, 2)) {
      registrations.set(supplier, [...(registrations.get(supplier) ?? []), { obligorId: core.id, invoiceIds: [inv.id], maturityDate: maturity(60) }]);
      used.add(inv.id);
    }
  }
  const registered: string[] = [];
  for (const [supplier, items] of registrations) registered.push(...(await api.post("/v1/receivables", supplier.key, { items })).items.map((x: any) => x.receivable.id));
  const pendingOf = new Map<SeededOrganization, any[]>();
  await api.until("the kept-back receivables registered on chain", async () => {
    for (const core of cores) pendingOf.set(core, (await api.get("/v1/receivables?role=obligor&status=pending&limit=200", core.key)).items.filter((r: any) => registered.includes(r.id)));
    return [...pendingOf.values()].reduce((n, l) => n + l.length, 0) >= registered.length;
  });
  for (const [core, pending] of pendingOf) {
    if (!pending.length) continue;
    const [toConfirm, toDraft] = pending;
    if (toDraft) {
      const clerk = await signIn(core, "clerk");
      await clerk.post("/v1/drafts", { method: "post", path: "/v1/receivables/confirmations", body: { receivableIds: [toDraft.id] } });
      add(core, "approver", `a draft by its clerk to approve (审批): confirm the receivable of ${name(byId.get(toDraft.creditorId) ?? { name: "a supplier" })}, ${BigInt(toDraft.amount) / 100n} yuan`);
    }
    add(core, "approver", `${pending.length - (toDraft ? 1 : 0)} receivable(s) to confirm (确权)`);
    add(core, "clerk", `${pending.length - (toDraft ? 1 : 0)} receivable(s) to confirm: draft the confirmation for the approver`);
  }

  // what each tier-1 supplier still has to do: invoices to register, and the seed files to upload
  for (const k of result.keptInvoices) {
    const left = k.invoices.filter((i) => !used.has(i.id)).length;
    const todo = [
      ...(left ? [`${left} verified invoice(s) to register as receivables`] : []),
      ...(k.supplier.uscc === FILES_SUPPLIER ? [`invoices to upload on the invoice upload page: ${INVOICE_FILES.join(", ")}`] : []),
    ];
    for (const item of todo) for (const duty of ["approver", "clerk"] as const) add(k.supplier, duty, item);
  }

  // certificates the tier-1 suppliers hold unfinanced, far enough from maturity to finance or offer
  const tier1 = orgs.filter((x) => x.tier === 1);
  const spare: { supplier: SeededOrganization; cert: any }[] = [];
  for (const supplier of tier1) {
    const held = (await api.get("/v1/receivables?status=confirmed&limit=500", supplier.key)).items;
        // not a term over six months (its quote needs a reasonableness review: the consent step's 200-day certificate)
    const free = held.filter((r: any) => !r.financing && r.holderId === supplier.id && Date.parse(r.maturity) > Date.now() + 30 * DAY_MS && Date.parse(r.maturity) < Date.now() + 150 * DAY_MS);
    for (const cert of free.slice(0, 1)) spare.push({ supplier, cert });
  }
  if (spare.length < 4) throw new Error(`the demo needs four tier-1 suppliers holding an unfinanced certificate; ${spare.length} do`);
  const eligible = (cert: any) => banks.filter((b) => lends(b, byId.get(cert.obligorId)!));

  // a financing request the banks have to quote on
  const [quoteMe, acceptMe, offerMe, prove] = spare;
  await api.post("/v1/financing-requests", quoteMe.supplier.key, { receivableId: quoteMe.cert.id });
  for (const bank of eligible(quoteMe.cert)) {
    add(bank, "approver", `a financing request to quote: ${name(quoteMe.supplier)}, certificate ${quoteMe.cert.certificateId}, ${BigInt(quoteMe.cert.amount) / 100n} yuan`);
    add(bank, "clerk", `a financing request to quote: ${name(quoteMe.supplier)}, certificate ${quoteMe.cert.certificateId}`);
  }
  add(quoteMe.supplier, "approver", `your financing request on certificate ${quoteMe.cert.certificateId} waits for the banks' quotes`);

  // quotes a supplier has to compare and accept
  const req = await api.post("/v1/financing-requests", acceptMe.supplier.key, { receivableId: acceptMe.cert.id });
  const validUntil = new Date(Math.min(Date.now() + 7 * DAY_MS, Date.parse(acceptMe.cert.maturity) - DAY_MS)).toISOString();
  const quoting = eligible(acceptMe.cert);
  await Promise.all(
    quoting.map((bank, j) =>
      api.post(`/v1/financing-requests/${req.id}/quotes`, bank.key, { advanceRateBp: 9500 - j * 300, annualRateBp: 380 + j * 40, dayCount: 360, fee: String(j * 10_000), recourse: j % 2 === 1, validUntil }),
    ),
  );
  add(acceptMe.supplier, "approver", `${quoting.length} quote(s) to compare and accept on certificate ${acceptMe.cert.certificateId}`);
  add(acceptMe.supplier, "clerk", `${quoting.length} quote(s) on certificate ${acceptMe.cert.certificateId}: draft the acceptance for the approver`);

  // a certificate offered to a tier-2 supplier, waiting for it to sign for it (签收)
  const taker = orgs.find((x) => x.tier === 2 && x.scenario === offerMe.supplier.scenario) ?? orgs.find((x) => x.tier === 2)!;
  const offered = await api.post(`/v1/receivables/${offerMe.cert.id}/transfers`, offerMe.supplier.key, { organizationId: taker.id });
  await api.mined([offered.operation.id], offerMe.supplier.key);
  await api.until("the offered certificate in the tier-2 inbox", async () => (await api.get("/v1/receivables/offers", taker.key)).items.some((x: any) => x.receivableId === offerMe.cert.id));
  add(taker, "approver", `certificate ${offerMe.cert.certificateId} from ${name(offerMe.supplier)} to sign for (签收) or refuse (拒签)`);
  add(taker, "clerk", `certificate ${offerMe.cert.certificateId} from ${name(offerMe.supplier)} to sign for (签收)`);

  // an organization the operator has to approve and give its first admin
  const me = await api.get("/v1/me", o.operatorKey);
  const newcomer = await api.post("/v1/organizations", o.operatorKey, {
    legalName: "重庆川渝精密铸造有限公司（演示）",
    unifiedSocialCreditCode: withUsccCheck("91500113MA6C0K7T1"),
    roles: ["supplier"],
    enterpriseSize: "small",
    contacts: [{ name: "赵立新", email: "zhao.lixin@chuanyu-casting.example" }],
  });
  const operatorWork = { email: me.user.email as string, organization: "ChainFactor Operator", items: [`${newcomer.legalName}: approve its KYC, then invite its first admin (zhao.lixin@chuanyu-casting.example) from its page`] };
  work.set(operatorWork.email, operatorWork);

  // near maturity: certificates falling due within NEAR_MATURITY_DAYS, for their holders and obligors
  const soon = (await Promise.all(cores.map(async (c) => (await api.get("/v1/receivables?role=obligor&limit=500", c.key)).items))).flat().filter((r: any) => ["confirmed", "financed"].includes(r.status) && Date.parse(r.maturity) <= Date.now() + NEAR_MATURITY_DAYS * DAY_MS);
  const count = (key: string) => soon.reduce((m, r: any) => m.set(r[key], (m.get(r[key]) ?? 0) + 1), new Map<string, number>());
  for (const [id, n] of count("obligorId")) if (byId.has(id)) add(byId.get(id)!, "approver", `${n} certificate(s) falling due within ${NEAR_MATURITY_DAYS} days: keep the repayment authorization funded`);
  for (const [id, n] of count("holderId")) if (byId.has(id)) add(byId.get(id)!, "viewer", `${n} certificate(s) you hold fall due within ${NEAR_MATURITY_DAYS} days`);

  // payout accounts on file, so that a member's withdrawal (提现) in the portal names where the funds go
  for (const org of orgs) await api.post("/v1/settlement/payout-account", org.key, { bankName: DEMO_PAYOUT_BANK, accountName: org.name, accountNumber: demoAccountNumber(org.uscc) });

  // the regulator reads
  const regulator = o.logins.find((l) => l.roles.includes("auditor"));
  if (regulator?.emails.approver) work.set(regulator.emails.approver, { email: regulator.emails.approver, organization: regulator.organization, items: [`the regulator's feed, the certificates and the overdue one that was repaid, to inspect (read only)`] });

  // the proof: people sign in and a financing signed now, after the story's time travel, is funded
  const proof = await financeAsPeople(api, { supplier: prove.supplier, cert: prove.cert, bank: eligible(prove.cert)[0], obligor: byId.get(prove.cert.obligorId)!, signIn });
  o.log(`      ${proof.text}`);
  o.log("\n[+] Signed documents: the financing's agreement, the notice of assignment and the certificate, signed by these people with their own keys");
  const shown = await showDocuments({ baseUrl: api.baseUrl, documents: proof.documents, dir: o.documentsDir, log: o.log });
  return { waiting: [operatorWork, ...[...work.values()].filter((w) => w !== operatorWork)], proof: proof.text, documents: shown.files };
}

/**
 * The supplier's approver asks for financing, the bank's approver quotes and signs the financing
 * agreement, the supplier's approver signs it and accepts: funded, on the ledger's clock of now. The
 * obligor's approver then acknowledges the notice of assignment (回执) and signs the certificate.
 */
async function financeAsPeople(
  api: ApiClient,
  o: { supplier: SeededOrganization; cert: any; bank: SeededOrganization; obligor: SeededOrganization; signIn: (org: SeededOrganization, duty: "approver" | "clerk") => Promise<PersonSession> },
): Promise<{ text: string; documents: { id: string; kind: "certificate" | "notice" | "agreement"; reader: PersonSession }[] }> {
  const [supplier, bank, obligor] = await Promise.all([o.signIn(o.supplier, "approver"), o.signIn(o.bank, "approver"), o.signIn(o.obligor, "approver")]);
  const req = await supplier.post("/v1/financing-requests", { receivableId: o.cert.id });
  const validUntil = new Date(Math.min(Date.now() + 3600_000, Date.parse(o.cert.maturity) - DAY_MS)).toISOString();
  const quote = await bank.post(`/v1/financing-requests/${req.id}/quotes`, { advanceRateBp: 9200, annualRateBp: 420, dayCount: 360, fee: "0", recourse: false, validUntil });
  const agreement = await bank.get(`/v1/quotes/${quote.id}/agreement`);
  await signAs(bank, agreement.id, "quote");
  await signAs(supplier, agreement.id, "accept");
  const accepted = await supplier.post(`/v1/quotes/${quote.id}/acceptance`);
  const funded = await api.until(`funding ${accepted.id}`, async () => {
    const f = await supplier.get(`/v1/financings/${accepted.id}`);
    if (f.status === "failed") throw new Error(`a financing signed after the story was not funded: ${f.failure?.code ?? ""} ${f.failure?.reason}`);
    return f.status === "funded" ? f : null;
  }, 120_000, 500);
  const notice = await api.until("the notice of assignment", async () => (await obligor.get(`/v1/documents?kind=notice&receivable=${o.cert.certificateId}`)).items[0]);
  await signAs(obligor, notice.id, "acknowledge");
  const certificate = (await obligor.get(`/v1/documents?kind=certificate&receivable=${o.cert.certificateId}`)).items[0];
  // a confirmed certificate is signed by its obligor, one signed for (签收) by its holder
  if (certificate.occasion === "confirm") await signAs(obligor, certificate.id, "confirm");
  else await signAs(supplier, certificate.id, "sign-for");
  const recorded = (id: string) => api.until(`document ${id} on the ledger`, async () => ((await (await fetch(`${api.baseUrl}/v1/verify/documents/${id}`)).json()) as { onLedger: boolean }).onLedger);
  await Promise.all([notice.id, certificate.id, agreement.id].map(recorded));
  return {
    text: `${supplier.email} asked for financing on certificate ${o.cert.certificateId}, ${bank.email} quoted and signed the agreement, ${supplier.email} signed and accepted: funded ${BigInt(funded.advance) / 100n} yuan (signed on the ledger's clock of now, no SIGNATURE.EXPIRED); ${obligor.email} acknowledged the notice of assignment`,
    documents: [
      { id: agreement.id, kind: "agreement", reader: supplier },
      { id: notice.id, kind: "notice", reader: obligor },
      { id: certificate.id, kind: "certificate", reader: obligor },
    ],
  };
}
