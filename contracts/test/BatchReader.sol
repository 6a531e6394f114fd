// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

/// @title BatchReader
/// @notice Test-only view multicall: the invariant tests read every value they check in one
/// eth_call instead of about 150.
contract BatchReader {
    /// @notice Static-calls `calls[i]` on `targets[i]` for every i.
    function read(address[] calldata targets, bytes[] calldata calls)
        external
        view
        returns (bool[] memory ok, bytes[] memory results)
    {
        ok = new bool[](calls.length);
        results = new bytes[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            (ok[i], results[i]) = targets[i].staticcall(calls[i]);
        }
    }
}
