// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IReceivableRegistry} from "./IReceivableRegistry.sol";
import {IFinancing} from "./IFinancing.sol";
import {IClearing} from "./IClearing.sol";
import {IOperationGuard} from "./IOperationGuard.sol";
import {ISignedIntents} from "./ISignedIntents.sol";
import {LedgerParams} from "./LedgerTypes.sol";

/// @title The receivable ledger
/// @notice Certificates, financing and clearing in one contract, so that a lifecycle step touches
/// one storage layout. Policy parameters and the emergency pause belong to the operator.
interface IReceivableLedger is IOperationGuard, ISignedIntents, IReceivableRegistry, IFinancing, IClearing {
    /// @notice A parameter is out of its allowed range.
    /// @custom:action maxTenor 1 day ..= 366 days, maxTier >= 1, minPartAmount >= 1.
    error LedgerInvalidParams();

    event ParamsUpdated(LedgerParams params);

    /// @notice Replace the policy parameters.
    /// @custom:access Operator.
    function setParams(LedgerParams calldata params) external;

    /// @notice Stop every operation except settlement and withdrawals; grace and default
    /// periods stop running.
    /// @custom:access Operator.
    function pause() external;

    /// @notice Resume operations.
    /// @custom:access Operator.
    function unpause() external;

    function params() external view returns (LedgerParams memory);

    function settlementToken() external view returns (address);

    function membership() external view returns (address);
}
