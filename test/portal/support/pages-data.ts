/**
 * The data the role tests' pages show (support/roles-suite.ts), built through the API with keys.
 */
import { expect } from "vitest";
import hre from "hardhat";
import { CORE, TIER1, TIER2, eventually, maturity, type World } from "./world";

/**
 * What the pages show: invoices (verified and refused), certificates pending, confirmed, split,
 * financed and settled, a funded financing, an open request with one quote, the credit lines; a
 * long-term certificate issued to the supplier and waiting for its acceptance, a tiny part offered
 * to the tier-2 supplier (an abnormal split), a long-term request with no quote yet (its id is
 * returned), and a payout held for the tier-2 supplier, suspended when its part is paid.
 */
export async function buildData(w: World): Promise<string> {
  const { api } = w;
  const as = (uscc: string) => ({ key: w.key(uscc) });
  const [bankA, bankB] = w.banks;
  const free = (await api.get("/v1/invoices?status=verified&limit=100", as(TIER1))).body.items.filter((i: { receivableId: string | null; buyerTaxId: string }) => !i.receivableId && i.buyerTaxId === CORE);
  expect(free.length).toBeGreaterThanOrEqual(7);
  // one certificate falls due tomorrow (settled below), the others in three months
  const registered = await api.post(
    "/v1/receivables",
    { items: free.slice(0, 5).map((inv: { id: string }, i: number) => ({ obligorId: w.id(CORE), invoiceIds: [inv.id], maturityDate: maturity(i === 0 ? 1 : 90) })) },
    as(TIER1),
  );
  expect(registered.status, JSON.stringify(registered.body)).toBe(202);
  const ids: string[] = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
  for (const id of ids) await w.receivable(id, w.key(TIER1), "pending");
  const confirmed = await api.post("/v1/receivables/confirmations", { receivableIds: ids.slice(0, 4) }, as(CORE)); // the fifth stays pending
  expect(confirmed.status).toBe(202);
  for (const id of ids.slice(0, 4)) await w.receivable(id, w.key(CORE), "confirmed");

  // a split down to the tier-2 supplier: a part of 500 yuan, below the abnormal-flow threshold
  // (ABNORMAL_SPLIT_MIN_PART, 1,000 yuan), offered to it and not yet accepted
  const cert = (await api.get(`/v1/receivables/${ids[1]}`, as(TIER1))).body;
  const part = 500n * 100n;
  const split = await api.post(`/v1/receivables/${ids[1]}/splits`, { parts: [{ organizationId: w.id(TIER2), amount: part.toString() }, { organizationId: w.id(TIER1), amount: (BigInt(cert.amount) - part).toString() }] }, as(TIER1));
  expect(split.status).toBe(202);
  await w.receivable(ids[1], w.key(TIER1), "split");
  // the certificate falling due tomorrow is split too, and the tier-2 supplier accepts its part
  const first = (await api.get(`/v1/receivables/${ids[0]}`, as(TIER1))).body;
  const half = BigInt(first.amount) / 2n;
  const split0 = await api.post(`/v1/receivables/${ids[0]}/splits`, { parts: [{ organizationId: w.id(TIER2), amount: half.toString() }, { organizationId: w.id(TIER1), amount: (BigInt(first.amount) - half).toString() }] }, as(TIER1));
  expect(split0.status).toBe(202);
  await w.receivable(ids[0], w.key(TIER1), "split");
  const offeredToTier2 = await eventually(async () => {
    const items = (await api.get("/v1/receivables/offers", as(TIER2))).body.items as { receivableId: string; amount: string }[];
    return items.length === 2 ? items.find((o) => o.amount === half.toString()) ?? null : null;
  }, 30_000, "both parts offered to the tier-2 supplier");
  const acceptance = await api.post("/v1/receivables/acceptances", { receivableIds: [offeredToTier2.receivableId] }, as(TIER2));
  expect(acceptance.status, JSON.stringify(acceptance.body)).toBe(202);
  await w.receivable(offeredToTier2.receivableId, w.key(TIER2), "confirmed");
  const dueTomorrow = ((await api.get("/v1/receivables?limit=100", as(TIER1))).body.items as { id: string; parentId: string | null }[]).find((r) => r.parentId === ids[0])!.id;

  // the core enterprise issues a long-term certificate to the supplier: it waits for its acceptance
  const issued = await api.post("/v1/receivables/issuances", { items: [{ supplierId: w.id(TIER1), invoiceIds: [free[5].id], maturityDate: maturity(200) }] }, as(CORE));
  expect(issued.status, JSON.stringify(issued.body)).toBe(202);
  await w.receivable(issued.body.items[0].receivable.id, w.key(TIER1), "offered");
  // a long-term certificate the supplier asks financing on: the bank's quote takes its review
  const long = await api.post("/v1/receivables", { items: [{ obligorId: w.id(CORE), invoiceIds: [free[6].id], maturityDate: maturity(200) }] }, as(TIER1));
  expect(long.status).toBe(202);
  const longId = long.body.items[0].receivable.id as string;
  await w.receivable(longId, w.key(TIER1), "pending");
  expect((await api.post("/v1/receivables/confirmations", { receivableIds: [longId] }, as(CORE))).status).toBe(202);
  await w.receivable(longId, w.key(TIER1), "confirmed");
  const longRequest = await api.post("/v1/financing-requests", { receivableId: longId }, as(TIER1));
  expect(longRequest.status).toBe(201);

  // a funded financing (two quotes, the cheaper accepted) and an open request with one quote
  const validUntil = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const request = await api.post("/v1/financing-requests", { receivableId: ids[2] }, as(TIER1));
  expect(request.status).toBe(201);
  // the bank photographed (the first) wins the funded one, and has the open request still to quote on
  const qa = await api.post(`/v1/financing-requests/${request.body.id}/quotes`, { advanceRateBp: 9200, annualRateBp: 390, dayCount: 365, fee: "5000", validUntil }, { key: bankA.key });
  const qb = await api.post(`/v1/financing-requests/${request.body.id}/quotes`, { advanceRateBp: 9000, annualRateBp: 435, dayCount: 360, fee: "10000", validUntil }, { key: bankB.key });
  expect([qa.status, qb.status]).toEqual([201, 201]);
  const side = (await api.get(`/v1/financing-requests/${request.body.id}/quotes`, as(TIER1))).body.items;
  expect(side[0].bankId).toBe(bankA.id); // the cheaper
  const accepted = await api.post(`/v1/quotes/${side[0].id}/acceptance`, {}, as(TIER1));
  expect(accepted.status).toBe(202);
  await eventually(async () => (await api.get(`/v1/financings/${accepted.body.id}`, as(TIER1))).body.status === "funded", 30_000, "funding");
  const open = await api.post("/v1/financing-requests", { receivableId: ids[3] }, as(TIER1));
  expect(open.status).toBe(201);
  const q = await api.post(`/v1/financing-requests/${open.body.id}/quotes`, { advanceRateBp: 8800, annualRateBp: 450, dayCount: 360, fee: "0", validUntil }, { key: bankB.key });
  expect(q.status).toBe(201);

  // the tier-2 supplier is suspended before its part falls due: the ledger holds its payout
  const suspended = await api.post(`/v1/organizations/${w.id(TIER2)}/suspension`, { reason: "营业执照年检逾期，待补正" }, { key: w.stack.operatorKey });
  expect(suspended.status, JSON.stringify(suspended.body)).toBe(202);
  await w.mined(suspended.body.id ?? suspended.body.operation?.id, w.stack.operatorKey);

  // two days later the first certificate's parts are settled (the others fall due in three months or more)
  await hre.network.provider.send("evm_increaseTime", [2 * 86_400]);
  await hre.network.provider.send("evm_mine", []);
  await w.receivable(dueTomorrow, w.key(TIER1), "settled");
  await eventually(async () => (await api.get("/v1/conformity/held-funds", { key: w.stack.operatorKey })).body.total !== "0", 30_000, "the payout held for the suspended tier-2 supplier");
  return longRequest.body.id;
}
