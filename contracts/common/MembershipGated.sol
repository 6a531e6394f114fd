// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IMembership} from "../interfaces/IMembership.sol";

/// @notice Role and activity checks against the consortium's membership contract.
abstract contract MembershipGated {
    IMembership internal immutable _membership;

    constructor(IMembership membership_) {
        _membership = membership_;
    }

    modifier onlyOperator() {
        if (!_membership.isOperator(msg.sender)) revert IMembership.MembershipUnauthorizedOperator(msg.sender);
        _;
    }

    /// @dev Reverts unless `account` is an active member holding `role`.
    function _requireRole(address account, uint8 role) internal view {
        uint8 roles = _membership.activeRoles(account);
        if (roles == 0) revert IMembership.MemberInactive(account);
        if (roles & role == 0) revert IMembership.MemberRoleMissing(account, role);
    }

    /// @dev Reverts unless `account` is an active member.
    function _requireActive(address account) internal view {
        if (_membership.activeRoles(account) == 0) revert IMembership.MemberInactive(account);
    }

    function _isActive(address account) internal view returns (bool) {
        return _membership.activeRoles(account) != 0;
    }
}
