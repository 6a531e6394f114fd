// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IReceivableRegistry} from "./IReceivableRegistry.sol";
import {IFinancing} from "./IFinancing.sol";
import {IClearing} from "./IClearing.sol";
import {IDocuments} from "./IDocuments.sol";
import {IOperationGuard} from "./IOperationGuard.sol";
import {ISignedIntents} from "./ISignedIntents.sol";
import {LedgerParams} from "./LedgerTypes.sol";

/// @title The receivable ledger
/// @notice Certificates, financing and clearing in one contract, so that a lifecycle step touches
/// one storage layout. Policy parameters and the emergency pause belong to the operator.
interface IReceivableLedger is
    IOperationGuard,
    ISignedIntents,
    IReceivableRegistry,
    IFinancing,
    IClearing,
    IDocuments
{
    /// @notice A parameter is out of its allowed range.
    /// @custom:action maxTenor 1 day ..= 366 days, maxTier >= 1, minPartAmount >= 1, gracePeriod
    /// 1 ..= 30 days, defaultPeriod 7 ..= 180 days, acceptancePeriod 1 hour ..= 30 days.
    error LedgerInvalidParams();
    /// @notice Only the default admin (governance) may extend a pause.
    /// @custom:action Send from the default admin account (through its timelock or multisig).
    error LedgerUnauthorizedGovernor(address caller);
    /// @notice A governance act that overrides a rule needs a recorded reason.
    /// @custom:action Give the reason (e.g. the restructuring agreement or court order), as bytes32.
    error LedgerReasonRequired();
    /// @notice A pause can only be extended to a later time.
    /// @custom:action Give a time in the future.
    error LedgerInvalidPauseEnd(uint256 until);

    event ParamsUpdated(LedgerParams params);
    /// @notice The current pause ends at `until` unless lifted earlier.
    event PauseEndSet(uint256 until);

    /// @notice Replace the policy parameters. Grace and default periods apply to certificates
    /// created from now on; existing certificates keep theirs.
    /// @custom:access Operator.
    function setParams(LedgerParams calldata params) external;

    /// @notice Stop every operation except settlement and withdrawals; grace and default
    /// periods stop running. The pause ends by itself after MAX_OPERATOR_PAUSE (7 days).
    /// @custom:access Operator.
    function pause() external;

    /// @notice Resume operations.
    /// @custom:access Operator.
    function unpause() external;

    /// @notice Make the current pause last until `until` (any length: governance's own delay
    /// and signers are the check).
    /// @custom:access Default admin of the membership contract (governance), while paused.
    function extendPause(uint256 until) external;

    /// @notice Let a delinquent obligor issue and confirm again before it has paid (a restructuring
    /// agreed with its creditors, a court order): `reason` is recorded on the ledger.
    /// @custom:access Default admin of the membership contract (governance).
    function resumeObligor(address obligor, bytes32 reason) external;

    /// @notice When the current pause ends; 0 when not paused.
    function pauseEnds() external view returns (uint256);

    function params() external view returns (LedgerParams memory);

    function settlementToken() external view returns (address);

    function membership() external view returns (address);
}
