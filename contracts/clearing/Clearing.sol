// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IClearing} from "../interfaces/IClearing.sol";
import {
    Status, Receivable, Lien, Repayment, Periods, FLAG_RECOURSE, FLAG_PARTIALLY_REPAID
} from "../interfaces/LedgerTypes.sol";
import {Financing} from "../financing/Financing.sol";
import {MemberRoles} from "../libraries/MemberRoles.sol";
import {PayoutBatch} from "../libraries/PayoutBatch.sol";
import {ClearingMath} from "../libraries/ClearingMath.sol";
import {PauseClock} from "../libraries/PauseClock.sol";

/// @title Clearing
/// @notice Settlement at maturity, overdue collection, default and recourse.
abstract contract Clearing is Financing, IClearing {
    using PayoutBatch for PayoutBatch.Batch;
    using PauseClock for PauseClock.Clock;

    mapping(uint256 id => Repayment) private _repayments;
    mapping(address account => uint256 amount) private _held;
    PauseClock.Clock internal _pauseClock;
    Periods[] private _periods; // by ascending fromId; the first from id 1

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
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Receivable storage r = _existing(id);
            if (r.status != Status.Overdue) revert ReceivableInvalidStatus(id, r.status, Status.Overdue);
            Periods memory periods = _periodsOf(id);
            uint256 needed = uint256(periods.gracePeriod) + periods.defaultPeriod;
            Lien memory lien = _liens[id];
            address creditor = lien.bank != address(0) ? lien.bank : _ownerOf(id);
            if (msg.sender != creditor) revert ClearingNotCreditor(id, msg.sender);
            uint256 elapsed = _pauseClock.activeSince(r.maturity);
            if (elapsed < needed) revert ClearingDefaultPeriodRunning(id, needed - elapsed);
            r.status = Status.Defaulted;
            uint256 repaid = _repayments[id].repaid;
            if (lien.bank != address(0)) {
                // the line no longer carries what the bank has not received: it is a loss now
                _creditLines[lien.bank][r.obligor].used -=
                    uint128(ClearingMath.bankShortfall(repaid, 0, lien.due, r.amount));
            }
            emit ReceivableDefaulted(id, msg.sender, r.amount - repaid, opId);
        }
    }

    /// @inheritdoc IClearing
    function claimRecourse(uint256[] calldata ids, uint256 opId) external whenNotPaused nonReentrant {
        _useOperation(opId);
        _requireNonEmpty(ids.length);
        _requireRole(msg.sender, MemberRoles.BANK);
        PayoutBatch.Batch memory payouts = PayoutBatch.create(_token);
        address seller;
        uint256 available;
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Receivable storage r = _existing(id);
            if (r.status != Status.Defaulted || r.flags & FLAG_RECOURSE == 0) revert ClearingNoRecourse(id);
            Lien memory lien = _liens[id];
            if (lien.bank != msg.sender) revert ClearingNotCreditor(id, msg.sender);
            Repayment storage rep = _repayments[id];
            uint256 owed = ClearingMath.bankShortfall(rep.repaid, rep.recovered, lien.due, r.amount);
            if (_ownerOf(id) != seller) {
                seller = _ownerOf(id);
                payouts.setPayer(seller); // sends what earlier sellers owe, so the balance read is current
                available = _available(seller);
            }
            uint256 amount = owed < available ? owed : available;
            available -= amount; // claims queued against this seller in this batch
            rep.recovered += uint128(amount);
            payouts.add(seller, msg.sender, amount);
            emit RecourseClaimed(id, msg.sender, seller, amount, owed - amount, opId);
        }
        payouts.flush();
    }

    /// @inheritdoc IClearing
    function withdrawHeldPayouts() external nonReentrant {
        uint256 amount = _held[msg.sender];
        if (amount == 0) revert ClearingNothingHeld(msg.sender);
        _requireActive(msg.sender);
        delete _held[msg.sender];
        emit PayoutWithdrawn(msg.sender, amount);
        SafeERC20.safeTransfer(_token, msg.sender, amount);
    }

    /// @inheritdoc IClearing
    function withdrawHeldPayoutsOf(address removed) external nonReentrant {
        uint256 amount = _held[removed];
        if (amount == 0) revert ClearingNothingHeld(removed);
        _requireActive(msg.sender);
        bytes32 orgId = _membership.formerOrganizationOf(removed);
        if (orgId == bytes32(0) || orgId != _membership.organizationOf(msg.sender)) {
            revert ClearingNotSameOrganization(removed, msg.sender);
        }
        delete _held[removed];
        emit HeldPayoutsRedirected(removed, msg.sender, amount);
        SafeERC20.safeTransfer(_token, msg.sender, amount);
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
        Periods memory periods = _periodsOf(id);
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
        } else if (c.status != Status.Overdue && _pauseClock.activeSince(r.maturity) >= _periodsOf(id).gracePeriod) {
            c.next = Status.Overdue;
        }
        if (c.paid != 0 && (wasPartial || c.paid != c.owed)) {
            _repayments[id].repaid = uint128(repaidBefore + c.paid);
            if (!wasPartial) r.flags |= FLAG_PARTIALLY_REPAID;
        }
        if (c.next != c.status) r.status = c.next;
        if (c.paid != 0 || c.next != c.status) {
            emit ReceivableCleared(id, lien.bank, c.holder, c.toBank, c.toHolder, c.owed - c.paid, c.next, opId);
        }
        return c.paid;
    }

    /// @dev Certificates created from now on get these periods; existing ones keep theirs.
    function _setPeriods(uint32 gracePeriod, uint32 defaultPeriod) internal {
        uint256 n = _periods.length;
        if (n != 0) {
            Periods memory last = _periods[n - 1];
            if (last.gracePeriod == gracePeriod && last.defaultPeriod == defaultPeriod) return;
        }
        uint256 fromId = _nextId();
        if (n != 0 && _periods[n - 1].fromId == fromId) _periods.pop(); // no certificate has it yet
        _periods.push(Periods(uint48(fromId), gracePeriod, defaultPeriod));
        emit PeriodsChanged(fromId, gracePeriod, defaultPeriod);
    }

    /// @dev The periods fixed for certificate `id` when it was created: the last version from an
    /// id at or below it (binary search; usually one or two versions).
    function _periodsOf(uint256 id) private view returns (Periods memory) {
        uint256 low = 0;
        uint256 high = _periods.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (_periods[mid].fromId <= id) low = mid + 1;
            else high = mid;
        }
        return _periods[low - 1];
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
