// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

/// @title EIP-712 signed intents
/// @notice Intents are bound to this chain and contract (EIP-712 domain), to a signer nonce and
/// to a deadline. Nonces are unordered (a bitmap per signer, as in Uniswap's Permit2), so a
/// member can sign many intents concurrently and revoke any of them before use.
interface ISignedIntents {
    /// @notice The intent's deadline has passed.
    /// @custom:action Ask the signer for a new signature with a later deadline.
    error SignatureExpired(uint256 deadline, uint256 timestamp);

    /// @notice The signer's nonce was already used or revoked.
    /// @custom:action The intent was executed or cancelled; sign a new one with a fresh nonce.
    error SignatureNonceUsed(address signer, uint256 nonce);

    /// @notice The signature is not a valid signature of `signer` over the intent on this chain
    /// and contract (wrong signer, other chain or contract, altered fields, malleated signature).
    /// @custom:action Re-sign the exact intent with the expected signer's key for this ledger.
    error SignatureInvalid(address signer);

    /// @notice The signer revoked the nonces set in `mask` of bitmap word `wordPos`.
    event NoncesInvalidated(address indexed signer, uint256 indexed wordPos, uint256 mask);

    /// @notice Revoke unused signatures: marks the nonces set in `mask` of word `wordPos` as used.
    /// @custom:access Any account, for its own nonces.
    function invalidateNonces(uint256 wordPos, uint256 mask) external;

    /// @notice Whether `signer` has used or revoked `nonce`.
    function nonceUsed(address signer, uint256 nonce) external view returns (bool);
}
