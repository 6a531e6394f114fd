// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title ContractWallet
/// @notice Test-only smart-contract member account: executes its owner's calls and validates the
/// owner's signatures through ERC-1271, as a bank's or enterprise's multisig would.
contract ContractWallet is IERC1271 {
    error ContractWalletNotOwner(address caller);

    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Call `target` with `data` as this wallet; bubbles up any revert.
    function exec(address target, bytes calldata data) external returns (bytes memory result) {
        if (msg.sender != owner) revert ContractWalletNotOwner(msg.sender);
        bool ok;
        // a wallet forwards arbitrary calls
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = target.call(data);
        if (!ok) {
            // bubble the revert data up unchanged
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(hash, signature);
        return err == ECDSA.RecoverError.NoError && signer == owner ? this.isValidSignature.selector : bytes4(0);
    }
}
