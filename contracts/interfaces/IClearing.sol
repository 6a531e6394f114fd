// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {Status, Repayment} from "./LedgerTypes.sol";

/// @title Clearing
/// @notice At or after maturity anyone (in practice the maturity keeper) settles certificates in
/// batches. The obligor's repayment is pulled from its settlement-token allowance to this
/// contract (automatic repayment deduction); the financing bank receives what it is due, capped
/// at the face amount, before the holder receives anything. A certificate whose obligor cannot
/// pay in full keeps its outstanding amount and, once the grace period is over, becomes Overdue
/// without failing the rest of the batch; settling it again later collects the rest.
/// Payouts to an account that cannot receive (suspended) are held here until it withdraws.
/// Settlement works while the ledger is paused; paused time does not count towards grace or
/// default periods.
interface IClearing {
    /// @notice The certificate has not matured yet.
    /// @custom:action Settle at or after `maturity`.
    error ClearingNotMatured(uint256 id, uint256 maturity);
    /// @notice Only the financing bank (or, if unfinanced, the holder) may declare a default.
    /// @custom:action Send from the creditor's account.
    error ClearingNotCreditor(uint256 id, address caller);
    /// @notice The default period has not elapsed (paused time does not count).
    /// @custom:action Wait `remaining` more seconds of unpaused time.
    error ClearingDefaultPeriodRunning(uint256 id, uint256 remaining);
    /// @notice The financing was without recourse, or the certificate is not Defaulted.
    /// @custom:action Recourse is only possible on Defaulted certificates financed with recourse.
    error ClearingNoRecourse(uint256 id);
    /// @notice Nothing is held for the caller.
    /// @custom:action Nothing to withdraw.
    error ClearingNothingHeld(address account);
    /// @notice Only an active account of the organization that `removed` was removed from may
    /// collect what is held for it.
    /// @custom:action Send from an active account of that organization (the operator removed the
    /// account; ask it to add a new one if the organization has none).
    error ClearingNotSameOrganization(address removed, address caller);

    /// @notice A payment was applied: `toBank` to the financing bank, `toHolder` to the holder;
    /// `outstanding` is what the obligor still owes; `status` is the certificate's state after it.
    event ReceivableCleared(
        uint256 indexed id,
        address indexed bank,
        address indexed holder,
        uint256 toBank,
        uint256 toHolder,
        uint256 outstanding,
        Status status,
        uint256 opId
    );
    /// @notice A certificate of a settlement batch was not settled: it was no longer Confirmed,
    /// Financed or Overdue (`status`: settled or defaulted since the batch was made). The rest of
    /// the batch is settled.
    event SettlementSkipped(uint256 indexed id, Status status, uint256 opId);
    event ReceivableDefaulted(uint256 indexed id, address indexed creditor, uint256 outstanding, uint256 opId);
    event RecourseClaimed(
        uint256 indexed id,
        address indexed bank,
        address indexed seller,
        uint256 amount,
        uint256 remaining,
        uint256 opId
    );
    /// @notice Certificates created from `fromId` on get these grace and default periods; earlier
    /// ones keep the periods they were created with.
    event PeriodsChanged(uint256 indexed fromId, uint256 gracePeriod, uint256 defaultPeriod);
    event PayoutHeld(address indexed account, uint256 amount);
    event PayoutWithdrawn(address indexed account, uint256 amount);
    /// @notice A certificate of `obligor` became overdue beyond its grace period: the obligor may
    /// not issue or confirm until every such certificate is settled (or governance resumes it).
    event ObligorPaused(address indexed obligor, uint256 indexed id, uint256 delinquencies);
    /// @notice `obligor` may issue and confirm again: its last delinquent certificate `id` was
    /// settled, or governance resumed it (`id` 0) for `reason`.
    event ObligorResumed(address indexed obligor, uint256 indexed id, bytes32 reason);
    /// @notice What was held for `removed` (an account removed from its organization) was paid to
    /// `to`, another account of the same organization.
    event HeldPayoutsRedirected(address indexed removed, address indexed to, uint256 amount);

    /// @notice Settle matured certificates: pull each obligor's repayment from its allowance and
    /// clear it between the financing bank and the holder. Also collects on Overdue ones. A
    /// certificate no longer settleable (already settled or defaulted, e.g. by another caller
    /// first) is skipped with SettlementSkipped instead of failing the batch.
    /// @custom:access Anyone (the maturity keeper); works while paused.
    function settle(uint256[] calldata ids, uint256 opId) external;

    /// @notice Declare Overdue certificates Defaulted once the default period has elapsed.
    /// @custom:access Active financing bank, or the active holder of an unfinanced certificate.
    function declareDefault(uint256[] calldata ids, uint256 opId) external;

    /// @notice Recover what a Defaulted certificate financed with recourse still owes the bank,
    /// from the seller's settlement-token allowance (as much as is available).
    /// @custom:access The financing bank.
    function claimRecourse(uint256[] calldata ids, uint256 opId) external;

    /// @notice Withdraw payouts held for the caller while it could not receive.
    /// @custom:access Active member with held payouts.
    function withdrawHeldPayouts() external;

    /// @notice The grace and default periods certificate `id` was created with (split parts: those
    /// in force at the split).
    function periodsOf(uint256 id) external view returns (uint256 gracePeriod, uint256 defaultPeriod);

    /// @notice Collect what is held for an account the operator removed from the caller's
    /// organization (a retired key): otherwise it would be stuck until the account is added back.
    /// @custom:access Active account of the organization `removed` was removed from.
    function withdrawHeldPayoutsOf(address removed) external;

    /// @notice What the obligor still owes on a certificate (0 once settled).
    function outstandingOf(uint256 id) external view returns (uint256);

    /// @notice Amounts collected on a certificate that was not paid in one go.
    function repaymentOf(uint256 id) external view returns (Repayment memory);

    /// @notice Payouts held for `account`.
    function heldPayouts(address account) external view returns (uint256);

    /// @notice Unpaused seconds elapsed since `from` (for grace and default periods).
    function activeTimeSince(uint256 from) external view returns (uint256);
}
