// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {FinanceTerms, Lien, CreditLine} from "./LedgerTypes.sol";

/// @title Financing
/// @notice Banks set credit lines per obligor and fund Confirmed certificates on terms the holder
/// signed. Funding is one atomic delivery-versus-payment: the certificate is put in escrow under
/// the bank's lien (it can no longer be transferred, split, cancelled or financed again), the
/// advance moves from bank to holder in the settlement token, and the bank's credit line for the
/// obligor is charged with the amount due.
interface IFinancing {
    /// @notice Only the bank named in the terms may fund them.
    /// @custom:action Send from the bank account named in the terms.
    error FinancingNotBank(uint256 id, address bank, address caller);
    /// @notice The advance is zero or greater than the amount due.
    /// @custom:action Quote an advance between 1 and the amount due.
    error FinancingInvalidAdvance(uint256 id, uint256 advance, uint256 due);
    /// @notice The amount due to the bank exceeds the certificate's face amount.
    /// @custom:action Lower interest or fees so that advance + interest + fee <= face.
    error FinancingDueExceedsFace(uint256 id, uint256 due, uint256 face);
    /// @notice Funding would take the bank's exposure to the obligor above its credit line.
    /// @custom:action Raise the credit line or fund less; `available` is what is left.
    error FinancingCreditLimitExceeded(address bank, address obligor, uint256 due, uint256 available);
    /// @notice The new limit is below what is already outstanding on the line, or above 2^128-1.
    /// @custom:action Set a limit of at least `used`; outstanding financings never exceed the limit.
    error FinancingInvalidLimit(address obligor, uint256 limit, uint256 used);

    event CreditLineSet(address indexed bank, address indexed obligor, uint256 limit, uint256 used, uint256 opId);
    event ReceivableFinanced(
        uint256 indexed id,
        address indexed bank,
        address indexed seller,
        uint256 advance,
        uint256 due,
        bool recourse,
        bytes32 agreement,
        uint256 nonce,
        uint256 opId
    );
    /// @notice One terms of a financing batch was not funded: since its holder signed, the
    /// certificate stopped being fundable or the signature stopped being good. `reason` is the
    /// selector of the error funding it alone would raise: ReceivableInvalidStatus (no longer
    /// Confirmed: cancelled, split, financed), ReceivableMatured, MemberInactive (the holder),
    /// SignatureExpired, SignatureNonceUsed (used or revoked by the holder), SignatureInvalid (not
    /// the holder's signature, e.g. after a transfer). The rest of the batch is funded.
    event FinancingSkipped(uint256 indexed id, address indexed bank, bytes4 reason, uint256 opId);

    /// @notice Set the caller's credit line for `obligor`.
    /// @custom:access Active bank.
    function setCreditLine(address obligor, uint256 limit, uint256 opId) external;

    /// @notice Fund certificates on holder-signed terms (EIP-712 type `FinanceTerms(uint256
    /// receivableId,address bank,uint256 advance,uint256 due,bool recourse,bytes32 agreement,uint256 nonce,
    /// uint256 deadline)`); `agreement`, the fingerprint of the financing agreement they signed, is
    /// carried to ReceivableFinanced as signed.
    /// The caller must have approved this contract for the advances in the settlement token. Terms
    /// whose certificate or signature is no longer good (see FinancingSkipped) are skipped; the
    /// bank's own mistakes (terms naming another bank, amounts, credit line) revert the batch.
    /// @custom:access Active bank named in every terms; each holder signed its terms.
    function finance(FinanceTerms[] calldata terms, bytes[] calldata signatures, uint256 opId) external;

    /// @notice The lien on a financed certificate (zero when unencumbered or settled).
    function lienOf(uint256 id) external view returns (Lien memory);

    /// @notice `bank`'s credit line for `obligor`.
    function creditLine(address bank, address obligor) external view returns (CreditLine memory);
}
