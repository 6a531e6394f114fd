import type { EnterpriseSize, SettlementLicence } from "../modules/onboarding";

/**
 * What onboarding asks of an organization besides its name and code, as development data gives it
 * (seeds, the demo, test fixtures): core enterprises are large, tier-1 suppliers medium, deeper
 * tiers small (the SMEs the 60-day rule protects); a settlement issuer shows a clearing licence.
 * Real onboarding takes them from the organization's filings.
 */
export function developmentFacts(roles: readonly string[], tier: number | null = null): { enterpriseSize?: EnterpriseSize; settlementLicence?: SettlementLicence } {
  const facts: { enterpriseSize?: EnterpriseSize; settlementLicence?: SettlementLicence } = {};
  if (roles.includes("core_enterprise")) facts.enterpriseSize = "large";
  else if (roles.includes("supplier")) facts.enterpriseSize = tier !== null && tier >= 2 ? "small" : "medium";
  if (roles.includes("settlement_issuer")) {
    facts.settlementLicence = { kind: "clearing_institution", number: "Z2025500000001", authority: "中国人民银行" };
  }
  return facts;
}
