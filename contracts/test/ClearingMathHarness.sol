// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {ClearingMath} from "../libraries/ClearingMath.sol";

/// @title ClearingMathHarness
/// @notice Test-only: exposes the clearing arithmetic for fuzzing.
contract ClearingMathHarness {
    function allocate(uint256 payment, uint256 repaidBefore, uint256 due, uint256 face)
        external
        pure
        returns (uint256 toBank, uint256 toHolder)
    {
        return ClearingMath.allocate(payment, repaidBefore, due, face);
    }
}
