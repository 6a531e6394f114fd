// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

/// @title Operation ids
/// @notice Every business call carries an operation id chosen by the submitter (the platform's
/// outbox id). The contract records it, so a resubmitted operation is rejected with a
/// recognizable error instead of being applied twice. Ids are scoped to the submitting account,
/// so nobody can burn another party's ids by front-running.
interface IOperationGuard {
    /// @notice The submitter already executed an operation with this id.
    /// @custom:action The operation was applied earlier: look up its events by operation id
    /// instead of resubmitting. Treat as success for idempotent retries.
    error OperationAlreadyExecuted(address submitter, uint256 opId);

    /// @notice Whether `submitter` has executed operation `opId`.
    function operationExecuted(address submitter, uint256 opId) external view returns (bool);
}
