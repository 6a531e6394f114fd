// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Receiver hook of `HookedToken`.
interface ITokenReceiver {
    function onTokenReceived(address from, uint256 amount) external;
}

/// @title HookedToken
/// @notice Test-only settlement token that calls a hook on every receiving contract (as ERC-777 or
/// ERC-1363 tokens do), so tests can prove the ledger resists re-entrancy from token callbacks.
/// The production SettlementToken has no hooks.
contract HookedToken is ERC20 {
    constructor() ERC20("Hooked", "HOOK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (to.code.length > 0) ITokenReceiver(to).onTokenReceived(from, value);
    }
}
