// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {
    Status, Receivable, ReceivableInput, SplitPart, Attestation, ConfirmItem, Offer, OfferReturn
} from "./LedgerTypes.sol";

/// @title Receivable certificates
/// @notice ERC-721 certificates for receivables owed by core enterprises. Registration by the
/// creditor, issue by the obligor, confirmation (directly or by EIP-712 signature), rejection,
/// cancellation, split and transfer. No supplier holds a certificate it did not accept (签收): an
/// issued certificate, a transfer and a split part for another supplier wait, Offered, until the
/// receiver accepts; refused, withdrawn or expired, an issued one is Void and a transfer or split
/// part stays with its sender. An invoice key backs at most one live certificate in the
/// whole network; it is released only when a Pending certificate is rejected or cancelled.
/// Every registration and issue carries a verifier's attestation (`Attestation`, EIP-712 type
/// `InvoiceAttestation(bool issued,AttestedReceivable[] items,uint256 deadline)` with
/// `AttestedReceivable(address obligor,address creditor,uint256 amount,uint256 maturity,
/// bytes32 invoicesRoot,bytes32[] invoiceKeys)`), so a member calling the ledger directly can
/// only create certificates the verifier checked: its own verified invoices, canonical keys,
/// their real amounts. An attestation may be used again until its deadline, but only for the
/// very same certificates (whose keys are then taken until released).
interface IReceivableRegistry {
    /// @notice No certificate has this id.
    /// @custom:action Check the id; certificates are numbered from 1.
    error ReceivableNotFound(uint256 id);
    /// @notice The certificate is not in a state that allows this operation.
    /// @custom:action Read its status; the operation needs `expected`.
    error ReceivableInvalidStatus(uint256 id, Status status, Status expected);
    /// @notice Only the certificate's obligor may do this.
    /// @custom:action Send from (or sign with) the obligor's account.
    error ReceivableNotObligor(uint256 id, address caller);
    /// @notice Only the certificate's holder may do this.
    /// @custom:action Send from (or sign with) the holder's account.
    error ReceivableNotHolder(uint256 id, address caller);
    /// @notice The invoice already backs a live or confirmed certificate.
    /// @custom:action Do not register or finance this invoice again; it is already claimed by
    /// certificate `existingId`. A rejected or cancelled registration frees it.
    error ReceivableDuplicateInvoice(bytes32 invoiceKey, uint256 existingId);
    /// @notice A certificate must be backed by at least one invoice and a non-zero invoice root.
    /// @custom:action Send the invoice keys and their Merkle root.
    error ReceivableNoInvoices();
    /// @notice The amount is zero or above the supported maximum (type(uint80).max).
    /// @custom:action Send a positive amount in minor units.
    error ReceivableAmountOutOfRange(uint256 amount);
    /// @notice The maturity date is not in the future.
    /// @custom:action Use a maturity after the current block time.
    error ReceivableMaturityInPast(uint256 maturity, uint256 timestamp);
    /// @notice Maturity minus registration date exceeds the maximum tenor.
    /// @custom:action Use a maturity on or before `latestMaturity`.
    error ReceivableTenorTooLong(uint256 maturity, uint256 latestMaturity);
    /// @notice The certificate has matured: it can only be settled now.
    /// @custom:action Wait for clearing instead of splitting, transferring or financing it.
    error ReceivableMatured(uint256 id, uint256 maturity);
    /// @notice The parts do not add up to the certificate's amount.
    /// @custom:action Make the parts sum exactly to `amount`.
    error SplitAmountMismatch(uint256 id, uint256 amount, uint256 partsTotal);
    /// @notice A split needs at least two parts.
    /// @custom:action Transfer the certificate instead, or add parts.
    error SplitTooFewParts(uint256 parts);
    /// @notice A part is below the minimum part amount.
    /// @custom:action Make every part at least `minimum`.
    error SplitPartTooSmall(uint256 amount, uint256 minimum);
    /// @notice The parts would be deeper in the supply chain than allowed.
    /// @custom:action Settle or finance at this tier; the maximum tier is `maxTier`.
    error SplitTierTooDeep(uint256 tier, uint256 maxTier);
    /// @notice Certificates cannot be transferred in this state, or burned at all.
    /// @custom:action Only Confirmed, unencumbered, unmatured certificates can change hands.
    error CertificateNotTransferable(uint256 id, Status status);
    /// @notice Two input arrays of one call have different lengths.
    /// @custom:action Send arrays of equal length.
    error LedgerLengthMismatch(uint256 expected, uint256 actual);
    /// @notice The batch is empty.
    /// @custom:action Send at least one item.
    error LedgerEmptyBatch();
    /// @notice The attestation's deadline has passed.
    /// @custom:action Ask the verifier for a new attestation (the platform: POST /v1/receivables/attestations).
    error AttestationExpired(uint256 deadline, uint256 timestamp);
    /// @notice The attestation's signer does not hold VERIFIER_ROLE.
    /// @custom:action Get the attestation from a verifier the consortium appointed.
    error AttestationNotVerifier(address verifier);
    /// @notice The signature is not the verifier's over exactly these items, this caller's role
    /// (register or issue), this deadline, chain and contract.
    /// @custom:action Send the items exactly as attested; any change (amount, maturity, keys,
    /// root, counterparty, caller) needs a new attestation.
    error AttestationInvalid(address verifier);
    /// @notice Only the receiver an offered certificate waits for may accept it.
    /// @custom:action Accept from (or sign with) the receiver's account; read `offerOf(id)`.
    error OfferNotReceiver(uint256 id, address caller);
    /// @notice The acceptance period has passed: the offer can only be returned now.
    /// @custom:action Ask the sender to offer it again.
    error OfferExpired(uint256 id, uint256 expires);
    /// @notice Only the receiver (refusing) or the sender (withdrawing) may return an offer before
    /// it expires.
    /// @custom:action Wait until `expires`, or ask the receiver or sender.
    error OfferNotReturnable(uint256 id, uint256 expires);
    /// @notice Certificates change hands only by offer and acceptance (签收), never by ERC-721
    /// transfer or approval.
    /// @custom:action The holder calls `transferCertificate`; the receiver calls `accept`.
    error CertificateMovesByOffer(uint256 id);
    /// @notice A certificate cannot be offered to its own holder.
    /// @custom:action Name another supplier.
    error CertificateSelfTransfer(uint256 id);
    /// @notice The obligor has a certificate overdue beyond its grace period, or defaulted: it may
    /// not issue or confirm certificates until it pays or governance resumes it.
    /// @custom:action Settle the overdue certificates (`delinquenciesOf` counts them).
    error ObligorDelinquent(address obligor, uint256 delinquencies);
    /// @notice The certificate's creditor, amount, maturity or invoice root is not what the
    /// obligor confirmed.
    /// @custom:action Read the certificate (`receivable(id)`) and confirm exactly its facts; if
    /// they are not what you owe, reject it instead.
    error ConfirmationMismatch(uint256 id);

    event ReceivableRegistered(
        uint256 indexed id,
        address indexed obligor,
        address indexed creditor,
        uint256 amount,
        uint256 maturity,
        bytes32 invoicesRoot,
        bytes32[] invoiceKeys,
        uint256 opId
    );
    event ReceivableIssued(
        uint256 indexed id,
        address indexed obligor,
        address indexed creditor,
        uint256 amount,
        uint256 maturity,
        bytes32 invoicesRoot,
        bytes32[] invoiceKeys,
        uint256 opId
    );
    event ReceivableConfirmed(uint256 indexed id, address indexed obligor, uint256 opId);
    event ReceivableRejected(uint256 indexed id, address indexed obligor, bytes32 reason, uint256 opId);
    event ReceivableCancelled(uint256 indexed id, address indexed holder, uint256 opId);
    /// @notice A part `childId` of `parentId` was created for `holder`; the parent is now Split.
    event ReceivableSplit(
        uint256 indexed parentId,
        uint256 indexed childId,
        address indexed holder,
        uint256 amount,
        uint8 tier,
        uint256 opId
    );
    event ReceivableTransferred(uint256 indexed id, address indexed from, address indexed to, uint256 opId);
    /// @notice Certificate `id` waits until `expires` for `to` to accept it; `from` is the obligor
    /// (issue) or the holder (transfer, split part).
    event CertificateOffered(
        uint256 indexed id, address indexed from, address indexed to, uint256 expires, uint256 opId
    );
    /// @notice `to` accepted certificate `id` (签收) and now holds it.
    event OfferAccepted(uint256 indexed id, address indexed to, uint256 opId);
    /// @notice The offer of certificate `id` to `to` went back: an issued certificate is Void, a
    /// transfer or split part is Confirmed with its sender again.
    event OfferReturned(uint256 indexed id, address indexed to, OfferReturn cause, bytes32 reason, uint256 opId);

    /// @notice Register receivables owed to the caller; they start Pending.
    /// @param attestation a verifier's signature over all `items` (with the caller as creditor,
    /// each item's counterparty as obligor, `issued` false)
    /// @return firstId the id of the first new certificate; the others follow consecutively.
    /// @custom:access Active supplier (becomes creditor and holder), with a verifier's attestation.
    function register(ReceivableInput[] calldata items, Attestation calldata attestation, uint256 opId)
        external
        returns (uint256 firstId);

    /// @notice Issue certificates owed by the caller directly to suppliers; each waits, Offered,
    /// for its supplier to accept it.
    /// @param attestation a verifier's signature over all `items` (with the caller as obligor,
    /// each item's counterparty as creditor, `issued` true)
    /// @return firstId the id of the first new certificate; the others follow consecutively.
    /// @custom:access Active core enterprise (becomes obligor) with no delinquent certificate, with
    /// a verifier's attestation.
    function issue(ReceivableInput[] calldata items, Attestation calldata attestation, uint256 opId)
        external
        returns (uint256 firstId);

    /// @notice Confirm Pending certificates owed by the caller: each item names the certificate
    /// and its creditor, amount, maturity and invoice root, which must match the record.
    /// @custom:access Active core enterprise with no delinquent certificate that is the obligor of
    /// every item.
    function confirm(ConfirmItem[] calldata items, uint256 opId) external;

    /// @notice Confirm Pending certificates on the obligor's EIP-712 signature of
    /// `ConfirmReceivables(ConfirmedReceivable[] items,uint256 nonce,uint256 deadline)` with
    /// `ConfirmedReceivable(uint256 id,address creditor,uint256 amount,uint256 maturity,
    /// bytes32 invoicesRoot)`; the facts must match each record.
    /// @custom:access Anyone may submit; `obligor` must have signed and be the obligor of every item.
    function confirmBySig(
        ConfirmItem[] calldata items,
        address obligor,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature,
        uint256 opId
    ) external;

    /// @notice Reject Pending certificates; their invoice keys are released.
    /// @custom:access Active core enterprise that is the obligor of every id.
    function reject(uint256[] calldata ids, bytes32 reason, uint256 opId) external;

    /// @notice Withdraw Pending certificates; their invoice keys are released.
    /// @custom:access Active holder of every id.
    function cancel(uint256[] calldata ids, uint256 opId) external;

    /// @notice Split a Confirmed certificate into parts for other suppliers (or the holder). A part
    /// for another supplier is the holder's, Offered, until that supplier accepts it.
    /// @return firstChildId the id of the first part; the others follow consecutively.
    /// @custom:access Active holder.
    function split(uint256 id, SplitPart[] calldata parts, uint256 opId) external returns (uint256 firstChildId);

    /// @notice Offer a Confirmed certificate to another active supplier; it changes hands when
    /// `to` accepts it.
    /// @custom:access Active holder.
    function transferCertificate(address to, uint256 id, uint256 opId) external;

    /// @notice Accept offered certificates (签收): the caller becomes their holder, Confirmed.
    /// @custom:access Active supplier each offer waits for, before its expiry and maturity.
    function accept(uint256[] calldata ids, uint256 opId) external;

    /// @notice Return offered certificates unaccepted: the receiver refuses (拒签, with `reason`),
    /// the sender withdraws, or anyone returns an offer past its expiry (or the certificate's
    /// maturity). An issued certificate becomes Void and its invoice keys are released; a transfer
    /// or split part stays with its sender, Confirmed.
    /// @custom:access The active receiver or sender of every offer; anyone once it has expired.
    function returnOffers(uint256[] calldata ids, bytes32 reason, uint256 opId) external;

    /// @notice The offer certificate `id` waits on (zero when it is not Offered).
    function offerOf(uint256 id) external view returns (Offer memory);

    /// @notice How many of `obligor`'s certificates are overdue beyond grace or defaulted; while
    /// non-zero it may not issue or confirm.
    function delinquenciesOf(address obligor) external view returns (uint256);

    /// @notice A certificate's record; reverts for unknown ids.
    function receivable(uint256 id) external view returns (Receivable memory);

    /// @notice The invoice root committing to the certificate's invoices (a split part's is its
    /// root ancestor's).
    function invoicesRootOf(uint256 id) external view returns (bytes32);

    /// @notice The live or confirmed certificate an invoice key backs (0 if none or released).
    function receivableOfInvoice(bytes32 invoiceKey) external view returns (uint256);

    /// @notice The highest certificate id issued so far.
    function lastReceivableId() external view returns (uint256);
}
