import type { DataSource } from "typeorm";
import { notFound } from "../../shared/errors";
import type { AuthContext } from "../../shared/http/auth";
import { termOf } from "../../shared/terms";
import type { Invoice } from "../invoices";
import type { ReceivableRow } from "../receivables";
import { termStatus } from "./credit-line-term";
import { ancestry, supplierHistory } from "./dossier.repository";
import * as repo from "./financing.repository";
import { hideOtherBanks, roomOn } from "./financing.rules";

/**
 * What a bank's credit officer needs to quote on a financing request: the certificate (its line to
 * the original for a split part), the invoices behind it with their verification and trade
 * documents, the supplier's history on the platform in aggregates, and the bank's own line on the
 * obligor. Only for a bank the request is offered to (a line with a limit on its obligor); another
 * bank's quotes, financings or terms never appear, only totals across all other banks.
 */
export class DossierService {
  constructor(
    private readonly ds: DataSource,
    private readonly invoices: { backing(receivableId: string): Promise<Invoice[]> },
  ) {}

  async dossier(auth: AuthContext, requestId: string) {
    const em = this.ds.manager;
    const bankId = auth.organization.id;
    const found = await repo.findRequest(em, requestId);
    // as the request itself: absent to a bank it is not offered to
    if (!found || !(await repo.hasLine(em, bankId, found.obligorOrganizationId))) throw notFound("financing request", requestId);
    const receivable = await repo.receivableById(em, found.receivableId);
    const [{ request, receivable: certificate }] = hideOtherBanks(bankId, [{ request: found, receivable }], await repo.ownQuoteIds(em, found.acceptedQuoteId ? [found.acceptedQuoteId] : [], bankId));
    const line = await ancestry(em, certificate.id);
    const original = line[line.length - 1];
    const [invoices, history, obligor, lines] = await Promise.all([
      this.invoices.backing(original.id),
      supplierHistory(em, request.supplierOrganizationId, bankId),
      repo.organizationById(em, certificate.obligorOrganizationId),
      repo.creditLinesOf(em, { bank: bankId }),
    ]);
    const mine = lines.find((l) => l.obligorId === certificate.obligorOrganizationId);
    const now = new Date();
    const room = mine ? roomOn(mine.line, mine.committed) : 0n;
    return {
      request,
      certificate: this.certificate(certificate, obligor.legalName, line, bankId),
      invoices,
      supplier: { id: request.supplierOrganizationId, ...history },
      creditLine: mine ? { limit: mine.line.limitAmount, available: room < 0n ? 0n : room, ...mine.term, termStatus: termStatus(mine.term, now) } : null,
    };
  }

  private certificate(r: ReceivableRow, obligorName: string, line: Awaited<ReturnType<typeof ancestry>>, bankId: string) {
    const original = line[line.length - 1];
    const parent = line.length > 1 ? line[1] : null;
    const { termDays, longTerm } = termOf(original.createdAt, r.maturity);
    return {
      ...r,
      obligorName,
      issuedAt: original.createdAt,
      termDays,
      longTerm,
      parent: parent ? { certificateNo: parent.chainId, tier: parent.tier } : null,
      original: parent ? { certificateNo: original.chainId } : null,
      // its page (/v1/receivables/{id}) opens to the bank once it funds the certificate
      openToYou: r.financingBankOrganizationId === bankId,
    };
  }
}

export type Dossier = Awaited<ReturnType<DossierService["dossier"]>>;
