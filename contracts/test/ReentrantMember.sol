// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {ContractWallet} from "./ContractWallet.sol";
import {ITokenReceiver} from "./HookedToken.sol";

/// @title ReentrantMember
/// @notice Test-only hostile member: when it receives tokens it calls back into the ledger with a
/// prepared call (re-entering finance or settle), records how that call ended, and either
/// swallows the failure or propagates it.
contract ReentrantMember is ContractWallet, ITokenReceiver {
    address public victim;
    bytes public attack;
    bool public propagate;
    uint256 public attempts;
    bool public reentered;
    bytes public lastRevert;

    constructor(address owner_) ContractWallet(owner_) {}

    /// @notice Arm one re-entrant `call` to `victim_`, made on the next token receipt.
    function arm(address victim_, bytes calldata call, bool propagate_) external {
        if (msg.sender != owner) revert ContractWalletNotOwner(msg.sender);
        victim = victim_;
        attack = call;
        propagate = propagate_;
    }

    /// @inheritdoc ITokenReceiver
    function onTokenReceived(address, uint256) external {
        bytes memory call = attack;
        if (call.length == 0) return;
        delete attack;
        ++attempts;
        // the attack is an arbitrary call
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = victim.call(call);
        if (ok) {
            reentered = true;
            return;
        }
        lastRevert = result;
        if (propagate) {
            // bubble the revert data up unchanged
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }
}
