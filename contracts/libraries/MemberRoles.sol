// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

/// @title Member roles
/// @notice Bit flags for the business roles an organization holds in the consortium.
/// An organization may hold several (a core enterprise that also supplies another one).
library MemberRoles {
    uint8 internal constant CORE_ENTERPRISE = 1 << 0;
    uint8 internal constant SUPPLIER = 1 << 1;
    uint8 internal constant BANK = 1 << 2;
    uint8 internal constant AUDITOR = 1 << 3;
    uint8 internal constant SETTLEMENT_ISSUER = 1 << 4;
    /// @dev Every defined role; any other bit is rejected.
    uint8 internal constant ALL = (1 << 5) - 1;
}
