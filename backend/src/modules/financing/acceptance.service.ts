import { randomBytes, randomUUID } from "node:crypto";
import { verifyTypedData, ZeroHash } from "ethers";
import type { DataSource, EntityManager } from "typeorm";
import { AppError, notFound, validationFailed } from "../../shared/errors";
import type { AuthContext } from "../../shared/http/auth";
import { inTransaction } from "../../shared/transaction";
import type { KeyVault } from "../../ledger/key-vault";
import { type PlatformKeys, notDeployed } from "../../ledger/platform-keys";
import { FINANCE_TERMS_TYPES, ledgerDomain, signFinanceTerms } from "../../ledger/typed-data";
import { custodialAccount } from "../onboarding";
import type { Financing } from "./financing.entity";
import * as repo from "./financing.repository";
import { requireLineInTerm } from "./credit-line-term";
import { expiresTooSoon, financeTerms, FUNDING_WINDOW_S, requireActiveParties, requireHeld, requireOpenQuote, requireReviewOfLongTerm, requireRoom, roomOn } from "./financing.rules";

/**
 * The financing agreement an acceptance binds in its terms: its fingerprint (the documents module
 * makes the agreement on first ask, and refuses while a party that signs documents has not signed
 * it). Without one, the terms bind no agreement (zero).
 */
export interface AgreementSource {
  forAcceptance(auth: AuthContext, quoteId: string): Promise<string>;
}

/**
 * A supplier accepts a bank's quote: the holder's EIP-712 signature on the FinanceTerms (with its
 * custodial key, or its own), the other quotes closed, the financing made and its funding queued.
 */
export class AcceptanceService {
  constructor(
    private readonly ds: DataSource,
    private readonly vault: KeyVault,
    private readonly keys: PlatformKeys,
    private readonly enqueueFunding: (financingId: string) => Promise<void>,
    /** The ledger's time, unix seconds: signature deadlines count on the chain's clock, not this machine's. */
    private readonly ledgerNow: () => Promise<bigint>,
  ) {}

  private agreements: AgreementSource = { forAcceptance: async () => ZeroHash };

  /** Binds the financing agreement of each acceptance (the documents module). */
  useAgreements(source: AgreementSource): void {
    this.agreements = source;
  }

  /** The FinanceTerms an acceptance of `quote` signs (the holder's own key signs exactly this). */
  async termsTypedData(auth: AuthContext, quoteId: string) {
    const { quote, receivable, bank } = await this.acceptable(this.ds.manager, auth, quoteId);
    const { chainId, ledger } = await this.keys.deployment(this.ds.manager);
    const agreement = await this.agreements.forAcceptance(auth, quoteId);
    return {
      domain: ledgerDomain(chainId, ledger),
      types: FINANCE_TERMS_TYPES,
      primaryType: "FinanceTerms",
      message: financeTerms(quote, receivable, bank, BigInt("0x" + randomBytes(16).toString("hex")), (await this.ledgerNow()) + BigInt(FUNDING_WINDOW_S), agreement),
    };
  }

  /**
   * The quote, its request, certificate and bank, if the caller may accept it now. With `lock`, in
   * the lock order: the request, all its quotes, then the certificate (a concurrent acceptance of
   * another quote of the same request waits for this one instead of deadlocking with it); each
   * lock is a statement of its own, so that what the next one reads is what the lock holders left.
   */
  private async acceptable(em: EntityManager, auth: AuthContext, quoteId: string, lock = false) {
    const request = await repo.requestOfQuote(em, quoteId, lock);
    if (!request || request.supplierOrganizationId !== auth.organization.id) throw notFound("quote", quoteId);
    const quotes = lock ? await repo.lockQuoteRows(em, request.id) : await repo.quoteRowsById(em, quoteId);
    const quote = quotes.find((q) => q.id === quoteId);
    if (!quote) throw notFound("quote", quoteId);
    requireOpenQuote(request, quote, Date.now());
    // the certificate (locked) with the bank (read as it is)
    const x = await repo.receivableAndBank(em, request.receivableId, quote.bankOrganizationId, lock);
    if (!x) throw new Error(`quote ${quoteId}: its certificate or bank is missing`);
    requireHeld(x.receivable, auth.organization.id);
    // a quote without the review a term over 6 months needs never funds (77号文)
    requireReviewOfLongTerm(await repo.issuedAt(em, x.receivable), x.receivable, quote.reasonablenessReview);
    return { quote, request, ...x };
  }

  /**
   * The supplier accepts a quote: the other quotes close, the terms are signed (with its custodial
   * key, or its own signature) and funding starts.
   */
  async accept(auth: AuthContext, quoteId: string, own?: { nonce: string; deadline: string; signature: string }): Promise<Financing> {
    const supplier = auth.organization;
    // read before the transaction: no lock is held while the ledger answers
    const ledgerNow = await this.ledgerNow();
    if (own && expiresTooSoon(BigInt(own.deadline), ledgerNow)) {
      throw new AppError("SIGNATURE.EXPIRED", 422, `The signature's deadline (${own.deadline}) is past or too near on the ledger's clock (${ledgerNow}); sign again with a later deadline.`);
    }
    // the agreement is made (rendered) before any lock is taken; quotes never change once made
    const agreement = await this.agreements.forAcceptance(auth, quoteId);
    const financing = await inTransaction(this.ds, async (em) => {
      const { quote, request, receivable, bank } = await this.acceptable(em, auth, quoteId, true);
      // the bank funds, the holder receives, the obligor owes: the ledger refuses a financing if any of them is not an active member
      requireActiveParties(await repo.partyStandings(em, [bank.id, supplier.id, receivable.obligorOrganizationId]));
      // the line may have been cut, or taken by another acceptance, since the bank quoted: lock it,
      // then read (a statement after the lock sees what the acceptances it waited for committed)
      // what accepted financings commit on it, with the deployment and the supplier's custodial key
      const line = await repo.lockLineAmounts(em, bank.id, receivable.obligorOrganizationId);
      const y = await repo.acceptanceReads(em, bank.id, receivable.obligorOrganizationId, supplier.ledgerAddress ?? "");
      if (line) requireLineInTerm(line.term, new Date(), bank.legalName);
      requireRoom(quote, bank.legalName, line ? roomOn(line, y.committed) : 0n);
      if (y.deployment === null) throw notDeployed();
      const domain = ledgerDomain(y.deployment.chainId, y.deployment.ledger);
      let terms;
      let signature: string;
      if (own) {
        terms = financeTerms(quote, receivable, bank, BigInt(own.nonce), BigInt(own.deadline), agreement);
        let signer = "";
        try {
          signer = verifyTypedData(domain, FINANCE_TERMS_TYPES, terms, own.signature);
        } catch {
          throw validationFailed([{ field: "body.signature", message: "is not a valid secp256k1 signature" }]);
        }
        if (signer.toLowerCase() !== (supplier.ledgerAddress ?? "").toLowerCase()) {
          throw new AppError("SIGNATURE.WRONG_SIGNER", 422, `The terms are signed by ${signer}, not by your ledger address ${supplier.ledgerAddress}; sign the typed data from GET /v1/quotes/${quoteId}/terms.`);
        }
        signature = own.signature;
      } else {
        const address = await custodialAccount(supplier);
        terms = financeTerms(quote, receivable, bank, BigInt("0x" + randomBytes(16).toString("hex")), ledgerNow + BigInt(FUNDING_WINDOW_S), agreement);
        signature = signFinanceTerms(this.vault.signingKeyOf(y.key, address), domain, terms);
      }
      const created = await repo.insertFinancing(em, {
        id: randomUUID(),
        requestId: request.id,
        quoteId: quote.id,
        receivableId: receivable.id,
        bankOrganizationId: bank.id,
        supplierOrganizationId: supplier.id,
        advance: quote.advance,
        due: quote.due,
        recourse: quote.recourse,
        terms,
        signature,
      });
      if (!created) throw new Error(`accepting quote ${quote.id}: the request or quote was not updated`);
      return created;
    });
    await this.enqueueFunding(financing.id);
    return financing;
  }
}
