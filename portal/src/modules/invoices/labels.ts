import i18n from "i18next";
import type { Schemas } from "../../api/client";

/** Why an invoice was refused, in words: the catalogue's sentence for its code, else the server's. */
export function rejectionText(rejection: Schemas["Invoice"]["rejection"]): string {
  if (!rejection) return "";
  const key = `invoices:rejection.${rejection.code}`;
  return i18n.exists(key) ? i18n.t(key) : rejection.reason;
}

export const INVOICE_STATUSES = ["received", "verifying", "verified", "rejected"] as const;
export const isVerifying = (s: string) => s === "received" || s === "verifying";
