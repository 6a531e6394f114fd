// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IOperationGuard} from "./IOperationGuard.sol";

/// @title Settlement token
/// @notice A permissioned ERC-20 with 2 decimals (1 unit = 1 fen) standing for tokenized deposits
/// or digital CNY. The settlement issuer mints on deposit and burns on withdrawal; tokens move
/// only between active members and the clearing house (the receivable ledger).
interface ISettlementToken is IERC20Metadata, IOperationGuard {
    /// @notice The account may not send or receive settlement tokens.
    /// @custom:action Only active members (and the clearing house) hold tokens; onboard or
    /// reinstate the organization first.
    error SettlementAccountNotEligible(address account);
    /// @notice Amount must be positive.
    /// @custom:action Send an amount of at least 1 minor unit.
    error SettlementZeroAmount();
    /// @notice Only the default admin (governance) may change the clearing house.
    /// @custom:action Send from the default admin account.
    error SettlementUnauthorizedGovernor(address caller);

    event Deposited(address indexed account, uint256 amount, address indexed issuer, uint256 opId);
    event Withdrawn(address indexed account, uint256 amount, address indexed issuer, uint256 opId);
    /// @notice No clearing-house change is scheduled, or its delay has not passed.
    /// @custom:action Wait until `effectiveAt` (0: none scheduled; governance schedules one).
    error SettlementClearingHouseNotDue(uint256 effectiveAt);
    /// @notice The clearing house cannot be the zero address or an operator key.
    /// @custom:action Give the contract that is to hold and move tokens (the receivable ledger).
    error SettlementInvalidClearingHouse();

    /// @notice The issuer organization would have more outstanding than governance allows it.
    /// @custom:action Mint at most `available`, or ask governance to raise the organization's
    /// cap (a raise takes effect two days after it is set).
    error SettlementIssuerCapExceeded(bytes32 orgId, uint256 amount, uint256 available);
    /// @notice A cap must fit in 128 bits.
    /// @custom:action Give a cap below 2^128.
    error SettlementInvalidIssuerCap(bytes32 orgId, uint256 cap);
    /// @notice No raise of this organization's cap is scheduled, or its delay has not passed.
    /// @custom:action Wait until `effectiveAt` (0: none scheduled).
    error SettlementIssuerCapNotDue(bytes32 orgId, uint256 effectiveAt);

    event IssuerCapChanged(bytes32 indexed orgId, uint256 cap);
    event IssuerCapScheduled(bytes32 indexed orgId, uint256 cap, uint256 effectiveAt);
    event ClearingHouseChanged(address indexed previous, address indexed current);
    /// @notice `clearingHouse` replaces the current one from `effectiveAt` (applyClearingHouse).
    event ClearingHouseChangeScheduled(address indexed clearingHouse, uint256 effectiveAt);

    /// @notice Credit a deposit: mint `amount` to `account`, within the issuer organization's cap.
    /// @custom:access Active settlement issuer.
    function mint(address account, uint256 amount, uint256 opId) external;

    /// @notice Debit a withdrawal: burn `amount` from `account` (needs `account`'s allowance to
    /// the issuer unless it is the issuer's own balance).
    /// @custom:access Active settlement issuer.
    function burn(address account, uint256 amount, uint256 opId) external;

    /// @notice Set the contract allowed to hold and move tokens as the clearing house: at once
    /// the first time (deployment), afterwards scheduled CLEARING_HOUSE_DELAY (2 days) ahead so
    /// that members see a change before it takes effect (a later call replaces the schedule).
    /// @custom:access Default admin of the membership contract.
    function setClearingHouse(address clearingHouse) external;

    /// @notice Set what an issuer organization may have outstanding (minted less burned). Lowering
    /// takes effect at once; a raise is scheduled ISSUER_CAP_DELAY (2 days) ahead.
    /// @custom:access Default admin of the membership contract.
    function setIssuerCap(bytes32 orgId, uint256 cap) external;

    /// @notice Make a scheduled raise of an issuer's cap take effect once its time has come.
    /// @custom:access Anyone.
    function applyIssuerCap(bytes32 orgId) external;

    /// @notice An issuer organization's cap (its own, or the default), what it has outstanding,
    /// and a scheduled raise (zeros: none).
    function issuerCap(bytes32 orgId)
        external
        view
        returns (uint256 cap, uint256 outstanding, uint256 pendingCap, uint256 pendingAt);

    /// @notice Make the scheduled clearing-house change take effect once its time has come.
    /// @custom:access Anyone.
    function applyClearingHouse() external;

    function clearingHouse() external view returns (address);

    /// @notice The scheduled clearing-house change and when it may take effect (zeros: none).
    function pendingClearingHouse() external view returns (address clearingHouse, uint256 effectiveAt);
}
