// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

/// @title Clearing arithmetic
/// @notice How a repayment is divided between the financing bank and the holder. Integer only;
/// no division, so no rounding: every unit paid goes to exactly one party.
library ClearingMath {
    /// @notice Split `payment` arriving after `repaidBefore` was already collected on a
    /// certificate of `face`, financed with `due` owed to the bank (0 if unfinanced).
    /// The bank is entitled to min(face, due) in total and is paid first.
    /// @return toBank the part of `payment` owed to the bank
    /// @return toHolder the rest, owed to the holder
    function allocate(uint256 payment, uint256 repaidBefore, uint256 due, uint256 face)
        internal
        pure
        returns (uint256 toBank, uint256 toHolder)
    {
        uint256 bankEntitled = due < face ? due : face;
        uint256 bankPaid = repaidBefore < bankEntitled ? repaidBefore : bankEntitled;
        uint256 bankOwed = bankEntitled - bankPaid;
        toBank = payment < bankOwed ? payment : bankOwed;
        toHolder = payment - toBank;
    }

    /// @notice What the bank has not received yet of min(face, due), after `repaid` from the
    /// obligor and `recovered` by recourse.
    function bankShortfall(uint256 repaid, uint256 recovered, uint256 due, uint256 face)
        internal
        pure
        returns (uint256)
    {
        uint256 bankEntitled = due < face ? due : face;
        uint256 received = repaid + recovered;
        return received >= bankEntitled ? 0 : bankEntitled - received;
    }
}
