// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

/// @notice Certificate states. Edges (anything else is rejected):
/// none → Pending (register) | Offered (issue, split part for another supplier) | Confirmed (split
/// part the splitter keeps);
/// Pending → Confirmed | Rejected | Cancelled;
/// Offered → Confirmed (accepted; or a transfer or split part returned to its sender) | Void (an
/// issued certificate refused, withdrawn or expired);
/// Confirmed → Offered (transfer) | Financed | Split | Settled | Overdue;
/// Financed → Settled | Overdue;
/// Overdue → Settled | Defaulted.
enum Status {
    None,
    Pending,
    Confirmed,
    Financed,
    Split,
    Settled,
    Overdue,
    Defaulted,
    Rejected,
    Cancelled,
    Offered, // waiting for its receiver's acceptance (签收), see `Offer`
    Void // an issued certificate its supplier never accepted: owes nothing
}

/// @notice Why an offer went back without acceptance.
enum OfferReturn {
    Refused, // by the receiver (拒签), with a reason
    Withdrawn, // by the sender
    Expired // by anyone, after the acceptance period
}

/// @notice A certificate waiting for `to` to accept it (签收). The sender is the obligor for an
/// issued certificate (then `to` is already its creditor) and otherwise its holder, who keeps it
/// until `to` accepts.
struct Offer {
    address to;
    uint40 expires; // unix seconds; after it anyone may return the offer
}

/// @notice A receivable certificate, packed in three storage slots.
/// @dev Slot 0 holds everything a confirmation, financing or settlement reads and writes.
struct Receivable {
    // slot 0
    address obligor; // the core enterprise that owes the amount
    uint80 amount; // face amount, integer minor units (fen)
    Status status;
    uint8 flags; // FLAG_RECOURSE | FLAG_PARTIALLY_REPAID | FLAG_TRANSFERRED
    // slot 1
    address creditor; // the first holder of this certificate, and its holder until FLAG_TRANSFERRED
    uint40 maturity; // unix seconds
    uint8 tier; // 0 for certificates backed directly by invoices, parent's tier + 1 for split parts
    uint48 parentId; // 0 unless this is a split part
    // slot 2
    bytes32 invoicesRoot; // Merkle root of the invoice set; 0 for split parts (inherited)
}

/// @notice Input for registering (by the creditor) or issuing (by the obligor) a certificate.
struct ReceivableInput {
    address counterparty; // the obligor when registering, the creditor when issuing
    uint256 amount; // minor units, 1 ..= type(uint80).max
    uint256 maturity; // unix seconds, in the future and within the maximum tenor
    bytes32 invoicesRoot; // commitment to the invoice documents (kept off chain)
    // keccak256(abi.encode(seller USCC, invoice number)), one per invoice: the canonical form is
    // defined in backend/src/ledger/invoice-key.ts and docs/invoice-keys.md
    bytes32[] invoiceKeys;
}

/// @notice A verifier's EIP-712 signature over a whole `register` or `issue` call (type
/// `InvoiceAttestation`): that each certificate's invoices were verified, belong to its creditor
/// (the seller) and are billed to its obligor, for exactly these amounts, maturities, invoice
/// keys and roots. One signature per call, over the hashes of all its items.
struct Attestation {
    address verifier; // holds VERIFIER_ROLE in Membership
    uint256 deadline; // unix seconds; the call must be mined by then
    bytes signature;
}

/// @notice What an obligor confirms about one Pending certificate (EIP-712 type
/// `ConfirmedReceivable`): not just its id but the facts it owes on, which the ledger checks
/// against the record, so a confirmation can never land on a certificate other than the one
/// the obligor looked at.
struct ConfirmItem {
    uint256 id;
    address creditor;
    uint256 amount;
    uint256 maturity;
    bytes32 invoicesRoot;
}

/// @notice One part of a split: `amount` goes to `to`.
struct SplitPart {
    address to;
    uint256 amount;
}

/// @notice Financing terms the holder signs (EIP-712 type `FinanceTerms`).
/// `due` is what the bank receives at maturity (advance + interest + fee), at most the face amount.
/// `agreement` is the SM3 fingerprint of the financing agreement (融资协议) PDF that bank and holder
/// signed, so the funding binds the very document they agreed; the ledger does not read it (zero
/// is accepted: a member calling with its own key binds whatever it and the bank agreed).
struct FinanceTerms {
    uint256 receivableId;
    address bank;
    uint256 advance;
    uint256 due;
    bool recourse;
    bytes32 agreement;
    uint256 nonce;
    uint256 deadline;
}

/// @notice The single encumbrance a financed certificate carries.
struct Lien {
    address bank;
    uint96 due;
}

/// @notice A bank's credit line for one obligor; `used` is the sum of its outstanding financings.
struct CreditLine {
    uint128 limit;
    uint128 used;
}

/// @notice What has been collected on a certificate that was not paid in full at once.
struct Repayment {
    uint128 repaid; // paid by the obligor
    uint128 recovered; // recovered from the seller by recourse
}

/// @notice Ledger policy parameters, set by the operator.
struct LedgerParams {
    uint32 maxTenor; // seconds from registration or issue to maturity
    uint8 maxTier; // deepest split tier allowed
    uint96 minPartAmount; // smallest split part, minor units
    uint32 gracePeriod; // after maturity, before a shortfall makes a certificate Overdue (fixed per certificate)
    uint32 defaultPeriod; // after the grace period, before an Overdue certificate may be declared Defaulted (idem)
    uint32 acceptancePeriod; // how long a receiver has to accept an offered certificate
}

/// @notice The grace and default periods of every certificate created from `fromId` on, until
/// the next version: a change of the parameters never shortens a period a certificate already has.
struct Periods {
    uint48 fromId;
    uint32 gracePeriod;
    uint32 defaultPeriod;
}

/// @notice A document the platform generated for a certificate, recorded by a party to it: its
/// `kind` (DOCUMENT_CERTIFICATE or DOCUMENT_NOTICE) and the SM3 `fingerprint` of the PDF.
struct DocumentRecord {
    uint256 id;
    uint8 kind;
    bytes32 fingerprint;
}

// The certificate (应收账款电子凭证), made when it is confirmed or signed for.
uint8 constant DOCUMENT_CERTIFICATE = 1;
// The notice of assignment (应收账款转让通知书), acknowledged by the obligor.
uint8 constant DOCUMENT_NOTICE = 2;

uint8 constant FLAG_RECOURSE = 1 << 0;
uint8 constant FLAG_PARTIALLY_REPAID = 1 << 1;
uint8 constant FLAG_TRANSFERRED = 1 << 2;
