import type { DemoResult } from "./scenario";

const YUAN = 100n;
const yuan = (fen: bigint) => `${(fen / YUAN).toLocaleString("en-US")} yuan`;

/** The p-th percentile (nearest rank) of `values`. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The demo's closing summary: certificates, amounts by tier and bank, fakes caught, funding latency. */
export function summarize(r: DemoResult): string {
  const names = new Map(r.organizations.map((o) => [o.id, o.englishName ?? o.name]));
  const lines: string[] = [];
  const certificates = r.receivables.filter((x) => x.status !== "split");
  const byStatus = new Map<string, number>();
  for (const c of r.receivables) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + 1);
  lines.push(`Certificates: ${r.receivables.length} on chain (${[...byStatus].map(([s, n]) => `${n} ${s}`).join(", ")})`);

  const byTier = new Map<number, { confirmed: bigint; financed: bigint; cleared: bigint; n: number }>();
  for (const c of certificates) {
    const t = byTier.get(c.tier) ?? { confirmed: 0n, financed: 0n, cleared: 0n, n: 0 };
    t.n++;
    t.confirmed += BigInt(c.amount);
    if (c.financing) t.financed += BigInt(c.financing.due ?? 0);
    t.cleared += BigInt(c.repayment.repaid);
    byTier.set(c.tier, t);
  }
  lines.push("By supplier tier (who holds the certificate: tier-1 the originals, tier-2 and tier-3 the parts split down the chain):");
  for (const [depth, t] of [...byTier].sort((a, b) => a[0] - b[0])) {
    lines.push(`  tier-${depth + 1}: ${t.n} certificates, ${yuan(t.confirmed)} confirmed, ${yuan(t.financed)} financed (due to banks), ${yuan(t.cleared)} cleared`);
  }
  const byBank = new Map<string, { n: number; advanced: bigint; due: bigint; received: bigint }>();
  for (const f of r.financings) {
    const b = byBank.get(f.bankId) ?? { n: 0, advanced: 0n, due: 0n, received: 0n };
    b.n++;
    b.advanced += BigInt(f.advance);
    b.due += BigInt(f.due);
    byBank.set(f.bankId, b);
  }
  for (const c of r.receivables) {
    if (c.financing && byBank.has(c.financing.bankId)) byBank.get(c.financing.bankId)!.received += BigInt(c.repayment.paidToBank);
  }
  lines.push("By bank:");
  for (const [bank, b] of byBank) {
    lines.push(`  ${names.get(bank)}: ${b.n} financings, ${yuan(b.advanced)} advanced, ${yuan(b.due)} due back, ${yuan(b.received)} received so far (the financed certificates fall due after the demo)`);
  }

  const rejected = r.seeds.invoices.items.filter((i) => i.status === "rejected");
  const fakes = r.seeds.invoices.items.filter((i) => i.expected);
  const caughtAsExpected = fakes.filter((i) => i.rejectionCode === i.expected).length;
  const byCode = new Map<string, number>();
  for (const i of rejected) byCode.set(i.rejectionCode ?? "?", (byCode.get(i.rejectionCode ?? "?") ?? 0) + 1);
  lines.push(`Fakes and duplicates caught: ${caughtAsExpected} of ${fakes.length} planted (${[...byCode].map(([c, n]) => `${n} ${c}`).join(", ")})`);
  lines.push(`Maturity: the ledger's clock moved to ${r.maturedOn} 00:00 China time, when the first certificates fell due; overdue and later repaid: ${r.overdueRepaid}`);
  const c = r.consent;
  lines.push("Conformity (77号文, 802号令):");
  lines.push(`  签收: ${c.issued.supplier} signed for certificate ${c.issued.certificateId} issued by ${c.issued.core}; as an SME it first had to agree to a term ${c.smeAgreement.daysAfterDelivery} days after delivery (refused without: ${c.smeAgreement.refusedWithout})${c.longTerm ? `; a ${c.longTerm.termDays}-day term is marked as over six months` : ""}`);
  lines.push(`  拒签: ${c.refusedTransfer.by} refused certificate ${c.refusedTransfer.certificateId} (“${c.refusedTransfer.reason}”); it went back to its sender`);
  lines.push(`  Delinquent obligor: paused by its overdue certificate${r.pausedIssue ? ` (its issue refused: ${r.pausedIssue})` : ""}, resumed once it paid`);
  if (r.feed) lines.push(`  Regulator's feed (${r.feed.dir}): ${r.feed.verified}; a tampered copy fails: ${r.feed.tampered.slice(0, 100)}…`);
  const ms = r.acceptToFundedMs;
  lines.push(`Quote acceptance → funds received: median ${percentile(ms, 50)} ms, p99 ${percentile(ms, 99)} ms over ${ms.length} financings (the platforms this mirrors: hours to days)`);
  return lines.join("\n");
}
