// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ISignedIntents} from "../interfaces/ISignedIntents.sol";

/// @notice EIP-712 verification with unordered nonces (a bitmap per signer). Supports EOAs
/// (ECDSA, low-s only) and contract signers (ERC-1271).
abstract contract SignedIntents is ISignedIntents, EIP712 {
    mapping(address signer => mapping(uint256 wordPos => uint256 bits)) private _nonces;

    /// @inheritdoc ISignedIntents
    function invalidateNonces(uint256 wordPos, uint256 mask) external {
        _nonces[msg.sender][wordPos] |= mask;
        emit NoncesInvalidated(msg.sender, wordPos, mask);
    }

    /// @inheritdoc ISignedIntents
    function nonceUsed(address signer, uint256 nonce) external view returns (bool) {
        return _nonces[signer][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @dev Checks deadline, nonce and signature of the intent `structHash`, then spends the nonce;
    /// reverts with the reason it cannot.
    function _verifyIntent(
        address signer,
        bytes32 structHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) internal {
        bytes4 problem = _useIntent(signer, structHash, nonce, deadline, signature);
        if (problem == SignatureExpired.selector) revert SignatureExpired(deadline, block.timestamp);
        if (problem == SignatureNonceUsed.selector) revert SignatureNonceUsed(signer, nonce);
        if (problem != 0) revert SignatureInvalid(signer);
    }

    /// @dev `_verifyIntent` without the revert: spends the nonce and returns 0 when the intent is
    /// good, else spends nothing and returns the selector of the error it fails with.
    function _useIntent(
        address signer,
        bytes32 structHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) internal returns (bytes4 problem) {
        if (block.timestamp > deadline) return SignatureExpired.selector;
        mapping(uint256 => uint256) storage words = _nonces[signer];
        uint256 bit = 1 << (nonce & 0xff);
        uint256 word = words[nonce >> 8];
        if (word & bit != 0) return SignatureNonceUsed.selector;
        if (!_isValidSignature(signer, _hashTypedDataV4(structHash), signature)) return SignatureInvalid.selector;
        words[nonce >> 8] = word | bit;
    }

    /// @dev ECDSA first, ERC-1271 only if that fails and the signer has code: members are mostly
    /// EOAs, and asking for the signer's code first would cost a cold account access each time.
    function _isValidSignature(address signer, bytes32 digest, bytes calldata signature)
        internal
        view
        returns (bool)
    {
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return signer.code.length != 0
            && SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature);
    }
}
