// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IClearing} from "../interfaces/IClearing.sol";
import {
    Status, Receivable, Lien, Repayment, Periods, FLAG_PARTIALLY_REPAID
} from "../interfaces/LedgerTypes.sol";
import {Financing} from "../financing/Financing.sol";
import {MemberRoles} from "../libraries/MemberRoles.sol";
import {PayoutBatch} from "../libraries/PayoutBatch.sol";
import {ClearingMath} from "../libraries/ClearingMath.sol";
import {Recovery} from "./Recovery.sol";
import {PauseClock} from "../libraries/PauseClock.sol";

/// @title Clearing
/// @notice Settlement at maturity, overdue collection, default and recourse (default and recourse
/// run in the linked library Recovery).
abstract contract Clearing is Financing, IClearing {
    using PayoutBatch for PayoutBatch.Batch;
    using PauseClock for PauseClock.Clock;

    mapping(uint256 id => Repayment) private _repayments;
    mapping(address account => uint256 amount) private _held;
    PauseClock.Clock internal _pauseClock;
    Periods[] private _periods; // by ascending fromId; the first from id 1
    /// @dev How often governance has resumed each obligor (resumeObligor), and for each certificate
    /// counted as delinquent that number + 1 at the time: settling one counted before the last
    /// resumption must not lift a pause that a later delinquency caused.
    mapping(address obligor => uint256 count) private _resumptions;
    mapping(uint256 id => uint256 resumptions) private _delinquentSince;

    /// @inheritdoc IClearing
    function settle(uint256[] calldata ids, uint256 opId) external nonReentrant {
        _useOperation(opId);
        _requireNonEmpty(ids.length);
        PayoutBatch.Batch memory payouts = PayoutBatch.create(_token);
        address obligor;
        uint256 available;
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Receivable storage r = _existing(id);
            Status status = r.status;
            if (status != Status.Confirmed && status != Status.Financed && status != Status.Overdue) {
                // settled (or defaulted) since the batch was made, by anyone: the rest still settle
                emit SettlementSkipped(id, status, opId);
                continue;
            }
            if (r.obligor != obligor) {
                obligor = r.obligor;
                payouts.setPayer(obligor); // pays what the previous obligor owes, so balances are current
                available = _available(obligor);
            }
            available -= _clear(id, r, available, payouts, opId);
        }
        payouts.flush();
    }

    /// @inheritdoc IClearing
    function declareDefault(uint256[] calldata ids, uint256 opId) external whenNotPaused nonReentrant {
        _useOperation(opId);
        _requireNonEmpty(ids.length);
        _requireActive(msg.sender);
        Recovery.declareDefault(_receivables, _liens, _creditLines, _repayments, _pauseClock, _periods, ids, opId);
    }

    /// @inheritdoc IClearing
    function claimRecourse(uint256[] calldata ids, uint256 opId) external whenNotPaused nonReentrant {
        _useOperation(opId);
        _requireNonEmpty(ids.length);
        _requireRole(msg.sender, MemberRoles.BANK);
        Recovery.claimRecourse(_receivables, _liens, _repayments, _token, _membership, ids, opId);
    }

    /// @inheritdoc IClearing
    function withdrawHeldPayouts() external nonReentrant {
        Recovery.withdrawHeld(_held, _token, _membership, msg.sender);
    }

    /// @inheritdoc IClearing
    function withdrawHeldPayoutsOf(address removed) external nonReentrant {
        Recovery.withdrawHeld(_held, _token, _membership, removed);
    }

    /// @inheritdoc IClearing
    function outstandingOf(uint256 id) external view returns (uint256) {
        Receivable storage r = _existing(id);
        Status status = r.status;
        if (status != Status.Confirmed && status != Status.Financed && status != Status.Overdue
            && status != Status.Defaulted) return 0;
        return r.amount - _repayments[id].repaid;
    }

    /// @inheritdoc IClearing
    function repaymentOf(uint256 id) external view returns (Repayment memory) {
        return _repayments[id];
    }

    /// @inheritdoc IClearing
    function heldPayouts(address account) external view returns (uint256) {
        return _held[account];
    }

    /// @inheritdoc IClearing
    function periodsOf(uint256 id) external view returns (uint256 gracePeriod, uint256 defaultPeriod) {
        _existing(id);
        Periods memory periods = Recovery.periodsOf(_periods, id);
        return (periods.gracePeriod, periods.defaultPeriod);
    }

    /// @inheritdoc IClearing
    function activeTimeSince(uint256 from) external view returns (uint256) {
        return _pauseClock.activeSince(from);
    }

    /// @dev One certificate's collection within a settlement batch.
    struct Collection {
        Status status; // before
        Status next; // after
        uint256 owed; // before
        uint256 paid;
        uint256 toBank;
        uint256 toHolder;
        address holder;
    }

    /// @dev Collects up to `available` on one certificate and queues the payouts.
    /// @return paid what was taken from the obligor
    function _clear(uint256 id, Receivable storage r, uint256 available, PayoutBatch.Batch memory payouts, uint256 opId)
        private
        returns (uint256)
    {
        Collection memory c;
        c.status = r.status; // Confirmed, Financed or Overdue (settle skips the rest)
        if (block.timestamp < r.maturity) revert ClearingNotMatured(id, r.maturity);

        bool wasPartial = r.flags & FLAG_PARTIALLY_REPAID != 0;
        uint256 repaidBefore = wasPartial ? _repayments[id].repaid : 0;
        c.owed = r.amount - repaidBefore;
        c.paid = c.owed < available ? c.owed : available;
        Lien memory lien = c.status == Status.Confirmed ? Lien(address(0), 0) : _liens[id];
        (c.toBank, c.toHolder) = ClearingMath.allocate(c.paid, repaidBefore, lien.due, r.amount);
        c.holder = _ownerOf(id);
        if (c.toBank != 0) {
            _creditLines[lien.bank][r.obligor].used -= uint128(c.toBank);
            _queuePayout(payouts, r.obligor, lien.bank, c.toBank);
        }
        _queuePayout(payouts, r.obligor, c.holder, c.toHolder);

        c.next = c.status;
        if (c.paid == c.owed) {
            c.next = Status.Settled;
            if (lien.bank != address(0)) delete _liens[id];
        } else if (
            c.status != Status.Overdue
                && _pauseClock.activeSince(r.maturity) >= Recovery.periodsOf(_periods, id).gracePeriod
        ) {
            c.next = Status.Overdue;
        }
        if (c.paid != 0 && (wasPartial || c.paid != c.owed)) {
            _repayments[id].repaid = uint128(repaidBefore + c.paid);
            if (!wasPartial) r.flags |= FLAG_PARTIALLY_REPAID;
        }
        if (c.next != c.status) {
            r.status = c.next;
            if (c.next == Status.Overdue) _countDelinquency(r.obligor, id);
            else if (c.status == Status.Overdue) _cureDelinquency(r.obligor, id);
        }
        if (c.paid != 0 || c.next != c.status) {
            emit ReceivableCleared(id, lien.bank, c.holder, c.toBank, c.toHolder, c.owed - c.paid, c.next, opId);
        }
        return c.paid;
    }

    /// @dev An obligor with a certificate overdue beyond grace may not issue or confirm.
    function _countDelinquency(address obligor, uint256 id) private {
        uint256 count = _delinquencies[obligor] + 1;
        _delinquencies[obligor] = count;
        _delinquentSince[id] = _resumptions[obligor] + 1;
        emit ObligorPaused(obligor, id, count);
    }

    /// @dev An Overdue certificate was settled: one delinquency fewer, unless governance resumed the
    /// obligor after it was counted (then it no longer counts).
    function _cureDelinquency(address obligor, uint256 id) private {
        if (_delinquentSince[id] != _resumptions[obligor] + 1) return;
        uint256 count = _delinquencies[obligor];
        _delinquencies[obligor] = count - 1;
        if (count == 1) emit ObligorResumed(obligor, id, bytes32(0));
    }

    /// @dev Governance lets `obligor` issue and confirm again: what is delinquent now is forgiven.
    function _resumeObligor(address obligor) internal {
        delete _delinquencies[obligor];
        ++_resumptions[obligor];
    }

    /// @dev Certificates created from now on get these periods; existing ones keep theirs.
    function _setPeriods(uint32 gracePeriod, uint32 defaultPeriod) internal {
        Recovery.setPeriods(_periods, _nextId(), gracePeriod, defaultPeriod);
    }

    /// @dev Queues a payout, or holds it here if the payee may not receive tokens now.
    function _queuePayout(PayoutBatch.Batch memory payouts, address from, address to, uint256 amount) private {
        if (amount == 0) return;
        if (!_isActive(to)) {
            _held[to] += amount;
            emit PayoutHeld(to, amount);
            to = address(this);
        }
        payouts.add(from, to, amount);
    }

    /// @dev What can be pulled from `account` now: its balance within its allowance to this
    /// contract, or nothing if it may not send tokens.
    function _available(address account) private view returns (uint256) {
        if (!_isActive(account)) return 0;
        uint256 balance = _token.balanceOf(account);
        uint256 allowance = _token.allowance(account, address(this));
        return balance < allowance ? balance : allowance;
    }
}
