// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IMembership} from "../interfaces/IMembership.sol";
import {OperationGuard} from "../common/OperationGuard.sol";
import {MemberRoles} from "../libraries/MemberRoles.sol";

/// @title Membership
/// @notice The consortium's member registry. The default admin (governance) is handed over in
/// two steps with a delay and grants OPERATOR_ROLE; operators manage organizations. Relayer keys
/// need no role at all: they only submit intents that members signed.
/// @dev Every ledger operation asks `activeRoles` about one to three parties, so each account
/// keeps a copy of its organization's roles and suspension in a single slot; the rare operator
/// actions that change them update every account of the organization.
contract Membership is IMembership, AccessControlDefaultAdminRules, OperationGuard {
    using EnumerableSet for EnumerableSet.AddressSet;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @notice Attests verified invoices for `register` and `issue`. Granted and revoked by the
    /// default admin (governance) only, as OPERATOR_ROLE is.
    /// @custom:access grantRole/revokeRole: default admin.
    bytes32 public constant VERIFIER_ROLE = keccak256("VERIFIER_ROLE");

    struct OrgRecord {
        uint8 roles;
        bool suspended;
        EnumerableSet.AddressSet accounts;
    }

    struct AccountRecord {
        uint8 roles; // the organization's roles
        bool suspended; // the organization's suspension
    }

    mapping(bytes32 orgId => OrgRecord) private _organizations;
    mapping(address account => bytes32 orgId) private _orgOf;
    mapping(address account => AccountRecord) private _accounts;
    mapping(address account => bytes32 orgId) private _formerOrgOf; // the organization it was removed from

    /// @param adminDelay seconds a default-admin handover must wait before it can be accepted
    /// @param admin the first default admin (governance multisig in production)
    constructor(uint48 adminDelay, address admin) AccessControlDefaultAdminRules(adminDelay, admin) {}

    modifier onlyOperator() {
        if (!hasRole(OPERATOR_ROLE, msg.sender)) revert MembershipUnauthorizedOperator(msg.sender);
        _;
    }

    // ─── Operator actions ───────────────────────────────────────────────

    /// @inheritdoc IMembership
    function registerOrganization(bytes32 orgId, uint8 roles, address[] calldata accounts, uint256 opId)
        external
        onlyOperator
    {
        _useOperation(opId);
        if (orgId == bytes32(0) || _organizations[orgId].roles != 0) revert MembershipOrganizationExists(orgId);
        _checkRoles(roles);
        _organizations[orgId].roles = roles;
        emit OrganizationRegistered(orgId, roles, opId);
        for (uint256 i = 0; i < accounts.length; ++i) {
            _addAccount(orgId, accounts[i], opId);
        }
    }

    /// @inheritdoc IMembership
    function setRoles(bytes32 orgId, uint8 roles, uint256 opId) external onlyOperator {
        _useOperation(opId);
        OrgRecord storage org = _existing(orgId);
        _checkRoles(roles);
        org.roles = roles;
        _syncAccounts(org);
        emit OrganizationRolesChanged(orgId, roles, opId);
    }

    /// @inheritdoc IMembership
    function addAccount(bytes32 orgId, address account, uint256 opId) external onlyOperator {
        _useOperation(opId);
        _existing(orgId);
        _addAccount(orgId, account, opId);
    }

    /// @inheritdoc IMembership
    function removeAccount(address account, uint256 opId) external onlyOperator {
        _useOperation(opId);
        bytes32 orgId = _orgOf[account];
        if (orgId == bytes32(0)) revert MembershipUnknownAccount(account);
        delete _orgOf[account];
        delete _accounts[account];
        _formerOrgOf[account] = orgId;
        _organizations[orgId].accounts.remove(account);
        emit AccountRemoved(orgId, account, opId);
    }

    /// @inheritdoc IMembership
    function suspend(bytes32 orgId, bytes32 reason, uint256 opId) external onlyOperator {
        _useOperation(opId);
        OrgRecord storage org = _existing(orgId);
        if (org.suspended) revert MembershipSuspensionUnchanged(orgId, true);
        org.suspended = true;
        _syncAccounts(org);
        emit OrganizationSuspended(orgId, reason, opId);
    }

    /// @inheritdoc IMembership
    function reinstate(bytes32 orgId, uint256 opId) external onlyOperator {
        _useOperation(opId);
        OrgRecord storage org = _existing(orgId);
        if (!org.suspended) revert MembershipSuspensionUnchanged(orgId, false);
        org.suspended = false;
        _syncAccounts(org);
        emit OrganizationReinstated(orgId, opId);
    }

    // ─── Views ──────────────────────────────────────────────────────────

    /// @inheritdoc IMembership
    function organizationOf(address account) external view returns (bytes32) {
        return _orgOf[account];
    }

    /// @inheritdoc IMembership
    function formerOrganizationOf(address account) external view returns (bytes32) {
        return _formerOrgOf[account];
    }

    /// @inheritdoc IMembership
    function organization(bytes32 orgId) external view returns (Organization memory) {
        OrgRecord storage org = _existing(orgId);
        return Organization({roles: org.roles, suspended: org.suspended, accounts: org.accounts.values()});
    }

    /// @inheritdoc IMembership
    function activeRoles(address account) public view returns (uint8) {
        AccountRecord memory record = _accounts[account];
        return record.suspended ? 0 : record.roles;
    }

    /// @inheritdoc IMembership
    function isActive(address account) external view returns (bool) {
        return activeRoles(account) != 0;
    }

    /// @inheritdoc IMembership
    function isOperator(address account) external view returns (bool) {
        return hasRole(OPERATOR_ROLE, account);
    }

    /// @inheritdoc IMembership
    function isVerifier(address account) external view returns (bool) {
        return hasRole(VERIFIER_ROLE, account);
    }

    /// @inheritdoc IMembership
    function isGovernor(address account) external view returns (bool) {
        return hasRole(DEFAULT_ADMIN_ROLE, account);
    }

    // ─── Internals ──────────────────────────────────────────────────────

    /// @dev An account acting for an organization never becomes an operator (see `_addAccount`
    /// for the other direction): the operator's keys can never hold settlement tokens, which
    /// only members' accounts may hold (SettlementToken), so the platform never pools money.
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        if (role == OPERATOR_ROLE && _orgOf[account] != bytes32(0)) revert MembershipOperatorAccount(account);
        return super._grantRole(role, account);
    }

    function _addAccount(bytes32 orgId, address account, uint256 opId) private {
        if (account == address(0)) revert MembershipUnknownAccount(account);
        if (hasRole(OPERATOR_ROLE, account)) revert MembershipOperatorAccount(account);
        bytes32 current = _orgOf[account];
        if (current != bytes32(0)) revert MembershipAccountTaken(account, current);
        OrgRecord storage org = _organizations[orgId];
        _orgOf[account] = orgId;
        delete _formerOrgOf[account];
        _accounts[account] = AccountRecord({roles: org.roles, suspended: org.suspended});
        org.accounts.add(account);
        emit AccountAdded(orgId, account, opId);
    }

    /// @dev Copies the organization's roles and suspension to each of its accounts.
    function _syncAccounts(OrgRecord storage org) private {
        AccountRecord memory record = AccountRecord({roles: org.roles, suspended: org.suspended});
        uint256 n = org.accounts.length();
        for (uint256 i = 0; i < n; ++i) {
            _accounts[org.accounts.at(i)] = record;
        }
    }

    function _existing(bytes32 orgId) private view returns (OrgRecord storage org) {
        org = _organizations[orgId];
        if (org.roles == 0) revert MembershipUnknownOrganization(orgId);
    }

    function _checkRoles(uint8 roles) private pure {
        if (roles == 0 || roles & ~MemberRoles.ALL != 0) revert MembershipInvalidRoles(roles);
    }
}
