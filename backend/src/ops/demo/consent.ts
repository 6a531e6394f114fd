import type { SeededOrganization } from "../seed";
import type { ApiClient } from "./client";

const DAY_MS = 86_400_000;
const maturity = (days: number) => new Date(Date.now() + days * DAY_MS + 8 * 3600_000).toISOString().slice(0, 10);

/** What the consent step showed, for the summary. */
export interface ConsentShown {
  issued: { certificateId: string; supplier: string; core: string };
  smeAgreement: { daysAfterDelivery: number; deliveredOn: string; refusedWithout: string };
  longTerm: { termDays: number } | null;
  refusedTransfer: { certificateId: string; by: string; reason: string };
}

/**
 * A core enterprise issues (开立) to a tier-1 supplier, an SME: the certificate waits in the
 * supplier's inbox (待签收) with its obligor, amount, maturity and term; it matures more than 60 days
 * after delivery, so signing for it (签收) without agreeing to that term is refused (802号令), and
 * the supplier signs agreeing. It then offers the certificate to a tier-2 supplier, which refuses it
 * (拒签) with a reason: the certificate comes back to the tier-1 supplier.
 */
export async function showConsent(
  api: ApiClient,
  o: { core: SeededOrganization; supplier: SeededOrganization; taker: SeededOrganization; invoiceIds: string[]; log: (l: string) => void },
): Promise<ConsentShown> {
  const name = (x: SeededOrganization) => x.englishName ?? x.name;
  const issued = await api.post("/v1/receivables/issuances", o.core.key, {
    items: o.invoiceIds.map((id, i) => ({ supplierId: o.supplier.id, invoiceIds: [id], maturityDate: maturity(i === 0 ? 120 : 200) })),
  });
  await api.mined([issued.items[0].operation.id], o.core.key);
  const ids: string[] = issued.items.map((x: any) => x.receivable.id);
  const inbox = await api.until("the issued certificates in the supplier's inbox (待签收)", async () => {
    const items = (await api.get("/v1/receivables/offers", o.supplier.key)).items.filter((x: any) => ids.includes(x.receivableId));
    return items.length === ids.length ? items : null;
  });
  const first = inbox.find((x: any) => x.receivableId === ids[0]);
  const long = inbox.find((x: any) => x.beyondSixMonths) ?? null;
  o.log(`      ${name(o.core)} issued ${ids.length} certificate(s) to ${name(o.supplier)}; its inbox (待签收) shows obligor ${first.obligor.name} (${first.obligor.uscc}), ${BigInt(first.amount) / 100n} yuan, maturity ${first.maturity.slice(0, 10)}, term ${first.termDays} days${long ? `; one term of ${long.termDays} days is marked as over six months` : ""}`);
  const sme = first.smeTermBeyond60Days;
  if (!sme) throw new Error("the demo expected the 60-day rule to apply (a large core enterprise, an SME supplier)");
  const without = await api.attempt("/v1/receivables/acceptances", o.supplier.key, { receivableIds: ids });
  if (without.status !== 422) throw new Error(`signing for a term beyond 60 days without agreeing answered ${without.status}, not 422`);
  o.log(`      signing for it without agreeing is refused (${without.status} ${without.body.errors[0].field}): it matures ${sme.daysAfterDelivery} days after delivery (${sme.deliveredOn}, by the ${sme.deliveredBy})`);
  const accepted = await api.post("/v1/receivables/acceptances", o.supplier.key, { receivableIds: ids, agreeToTermBeyond60Days: true });
  await api.mined([accepted.items[0].operation.id], o.supplier.key);
  const cert = await api.until("the signed-for certificate", async () => {
    const r = await api.get(`/v1/receivables/${ids[0]}`, o.supplier.key);
    return r.status === "confirmed" ? r : null;
  });
  o.log(`      ${name(o.supplier)} (an SME) signed for them (签收), agreeing to the term; certificate ${cert.certificateId} is its own`);

  const reason = "未与贵司签订该笔采购合同，拒绝签收";
  const offered = await api.post(`/v1/receivables/${cert.id}/transfers`, o.supplier.key, { organizationId: o.taker.id });
  await api.mined([offered.operation.id], o.supplier.key);
  await api.until("the transfer in the tier-2 inbox", async () => (await api.get("/v1/receivables/offers", o.taker.key)).items.some((x: any) => x.receivableId === cert.id));
  const refused = await api.post("/v1/receivables/refusals", o.taker.key, { receivableIds: [cert.id], reason });
  await api.mined([refused.items[0].operation.id], o.taker.key);
  const back = await api.until("the refused transfer back with its sender", async () => {
    const r = await api.get(`/v1/receivables/${cert.id}`, o.supplier.key);
    return r.status === "confirmed" && r.offerReturn ? r : null;
  });
  o.log(`      offered to ${name(o.taker)}, which refused it (拒签: “${back.offerReturn.reason}”); it is ${name(o.supplier)}'s again`);
  return {
    issued: { certificateId: cert.certificateId, supplier: name(o.supplier), core: name(o.core) },
    smeAgreement: { daysAfterDelivery: sme.daysAfterDelivery, deliveredOn: sme.deliveredOn, refusedWithout: without.body.errors[0].field },
    longTerm: long ? { termDays: long.termDays } : null,
    refusedTransfer: { certificateId: cert.certificateId, by: name(o.taker), reason },
  };
}
