// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {DocumentRecord} from "./LedgerTypes.sol";

/// @title Signed documents
/// @notice The ledger's record of the documents the platform generates for a certificate and its
/// parties sign (docs/signed-documents.md): the certificate (kind 1, 应收账款电子凭证) once it is
/// confirmed or signed for, and the notice of assignment (kind 2, 应收账款转让通知书) its obligor
/// acknowledges. Only the fingerprint (the SM3 hash of the PDF) is recorded, in an event: anyone
/// can check a file against it without trusting the platform. The financing agreement is bound
/// elsewhere, in the holder-signed FinanceTerms of the funding itself.
interface IDocuments {
    /// @notice The document kind is neither 1 (certificate) nor 2 (notice of assignment).
    /// @custom:action Send kind 1 or 2; a financing agreement is bound in FinanceTerms.agreement.
    error DocumentInvalidKind(uint256 id, uint8 kind);
    /// @notice The fingerprint is zero.
    /// @custom:action Send the SM3 hash of the document's PDF bytes.
    error DocumentEmptyFingerprint(uint256 id);
    /// @notice The caller is not a party who may record this document: a certificate is recorded
    /// by its obligor or its holder, a notice of assignment by the obligor only.
    /// @custom:action Send from the obligor's account (or, for a certificate, the holder's).
    error DocumentNotParty(uint256 id, address caller);

    /// @notice `by` recorded the document of `kind` with `fingerprint` for certificate `id`.
    event DocumentRecorded(
        uint256 indexed id, bytes32 indexed fingerprint, address indexed by, uint8 kind, uint256 opId
    );

    /// @notice Record the fingerprints of documents the caller signed or acknowledged for
    /// certificates that are live (not Pending, Rejected, Cancelled or Void). Nothing is stored
    /// but the operation id: the event is the record.
    /// @custom:access Active member that is, for each item, the certificate's obligor, or for a
    /// certificate (kind 1) its current holder.
    function recordDocuments(DocumentRecord[] calldata items, uint256 opId) external;
}
