// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IOperationGuard} from "./IOperationGuard.sol";

/// @title Consortium membership
/// @notice The operator registers member organizations with their roles (see `MemberRoles`) and
/// the addresses that act for them; several addresses per organization allow key rotation.
/// A suspended organization's addresses can neither act nor receive certificates or tokens.
/// The operator role is granted by the default admin, whose handover takes two steps and a delay.
/// So is the verifier role (VERIFIER_ROLE, `grantRole`/`revokeRole`, access: default admin only):
/// a verifier's attestation is what lets a certificate onto the ledger, so the operator alone
/// cannot appoint one.
interface IMembership is IOperationGuard {
    /// @notice The organization id is already registered.
    /// @custom:action Use a new organization id, or update the existing organization.
    error MembershipOrganizationExists(bytes32 orgId);
    /// @notice No organization is registered under this id.
    /// @custom:action Register the organization first, or check the id.
    error MembershipUnknownOrganization(bytes32 orgId);
    /// @notice The role mask is empty or has undefined bits.
    /// @custom:action Use a non-empty combination of the roles in MemberRoles.
    error MembershipInvalidRoles(uint8 roles);
    /// @notice The address already acts for an organization.
    /// @custom:action Remove it from its organization first; an address belongs to one organization.
    error MembershipAccountTaken(address account, bytes32 orgId);
    /// @notice Operator keys and member accounts are kept apart: the operator runs the platform
    /// and may never hold or move money, so an operator key cannot act for an organization and a
    /// member account cannot become an operator.
    /// @custom:action Use a separate key for the organization (or for the operator).
    error MembershipOperatorAccount(address account);
    /// @notice The address is zero or does not act for any organization.
    /// @custom:action Check the address.
    error MembershipUnknownAccount(address account);
    /// @notice The organization is already in the requested suspension state.
    /// @custom:action Nothing to do; read `organization(orgId)` for its state.
    error MembershipSuspensionUnchanged(bytes32 orgId, bool suspended);
    /// @notice The caller does not hold the operator role.
    /// @custom:action Send the transaction from an operator account.
    error MembershipUnauthorizedOperator(address caller);

    /// @notice Lookup error used by contracts that consult membership: the account is not an
    /// active member (unknown, or its organization is suspended).
    /// @custom:action Onboard the organization or reinstate it before it acts or receives.
    error MemberInactive(address account);
    /// @notice Lookup error: the account is an active member but lacks the role.
    /// @custom:action Use an account of an organization holding this role, or grant the role.
    error MemberRoleMissing(address account, uint8 role);

    event OrganizationRegistered(bytes32 indexed orgId, uint8 roles, uint256 opId);
    event OrganizationRolesChanged(bytes32 indexed orgId, uint8 roles, uint256 opId);
    event OrganizationSuspended(bytes32 indexed orgId, bytes32 reason, uint256 opId);
    event OrganizationReinstated(bytes32 indexed orgId, uint256 opId);
    event AccountAdded(bytes32 indexed orgId, address indexed account, uint256 opId);
    event AccountRemoved(bytes32 indexed orgId, address indexed account, uint256 opId);

    struct Organization {
        uint8 roles;
        bool suspended;
        address[] accounts;
    }

    /// @notice Register an organization with its roles and first addresses.
    /// @custom:access Operator.
    function registerOrganization(bytes32 orgId, uint8 roles, address[] calldata accounts, uint256 opId) external;

    /// @notice Replace an organization's roles.
    /// @custom:access Operator.
    function setRoles(bytes32 orgId, uint8 roles, uint256 opId) external;

    /// @notice Let `account` act for `orgId` (key rotation: add the new key, then remove the old).
    /// @custom:access Operator.
    function addAccount(bytes32 orgId, address account, uint256 opId) external;

    /// @notice Stop `account` from acting for its organization.
    /// @custom:access Operator.
    function removeAccount(address account, uint256 opId) external;

    /// @notice Suspend an organization: none of its addresses may act or receive.
    /// @custom:access Operator.
    function suspend(bytes32 orgId, bytes32 reason, uint256 opId) external;

    /// @notice Lift a suspension.
    /// @custom:access Operator.
    function reinstate(bytes32 orgId, uint256 opId) external;

    /// @notice The organization `account` acts for (zero if none).
    function organizationOf(address account) external view returns (bytes32);

    /// @notice The organization `account` was last removed from (0 while it is a member, or if it
    /// never was one): that organization's other accounts may collect what is held for it.
    function formerOrganizationOf(address account) external view returns (bytes32);

    /// @notice An organization's record; reverts for unknown ids.
    function organization(bytes32 orgId) external view returns (Organization memory);

    /// @notice The roles `account` may use now: its organization's roles, or 0 when the account
    /// is unknown or its organization is suspended.
    function activeRoles(address account) external view returns (uint8);

    /// @notice Whether `account` acts for a registered, unsuspended organization.
    function isActive(address account) external view returns (bool);

    /// @notice Whether `account` holds the operator role.
    function isOperator(address account) external view returns (bool);

    /// @notice Whether `account` holds VERIFIER_ROLE: its attestations let certificates be
    /// registered and issued (the platform's invoice verification service; later a tax bureau's
    /// or a data provider's key).
    function isVerifier(address account) external view returns (bool);

    /// @notice Whether `account` is the default admin (governance).
    function isGovernor(address account) external view returns (bool);
}
