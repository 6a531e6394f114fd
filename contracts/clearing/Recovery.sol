// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IClearing} from "../interfaces/IClearing.sol";
import {IMembership} from "../interfaces/IMembership.sol";
import {IReceivableRegistry} from "../interfaces/IReceivableRegistry.sol";
import {
    Status, Receivable, Lien, CreditLine, Repayment, Periods, FLAG_RECOURSE
} from "../interfaces/LedgerTypes.sol";
import {ClearingMath} from "../libraries/ClearingMath.sol";
import {PauseClock} from "../libraries/PauseClock.sol";
import {PayoutBatch} from "../libraries/PayoutBatch.sol";

/// @title Recovery
/// @notice What happens when clearing did not collect or could not pay: default, recourse, payouts
/// held for a party that could not receive, and the periods that time them. A linked library:
/// the ledger delegates to it, so it works on the ledger's own storage (passed as pointers) and
/// its events and errors are the ledger's. Kept out of the ledger's bytecode, which must stay
/// under the 24,576-byte limit (EIP-170); these paths are rare, so the call into the library
/// costs little.
library Recovery {
    using PayoutBatch for PayoutBatch.Batch;
    using PauseClock for PauseClock.Clock;

    /// @notice See IClearing.declareDefault; the ledger has checked the operation id, the batch
    /// and that the caller is active.
    function declareDefault(
        mapping(uint256 => Receivable) storage receivables,
        mapping(uint256 => Lien) storage liens,
        mapping(address => mapping(address => CreditLine)) storage creditLines,
        mapping(uint256 => Repayment) storage repayments,
        PauseClock.Clock storage pauseClock,
        Periods[] storage periods,
        uint256[] calldata ids,
        uint256 opId
    ) external {
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Receivable storage r = _existing(receivables, id);
            if (r.status != Status.Overdue) {
                revert IReceivableRegistry.ReceivableInvalidStatus(id, r.status, Status.Overdue);
            }
            Periods memory p = periodsOf(periods, id);
            uint256 needed = uint256(p.gracePeriod) + p.defaultPeriod;
            Lien memory lien = liens[id];
            address creditor = lien.bank != address(0) ? lien.bank : _holderOf(id);
            if (msg.sender != creditor) revert IClearing.ClearingNotCreditor(id, msg.sender);
            uint256 elapsed = pauseClock.activeSince(r.maturity);
            if (elapsed < needed) revert IClearing.ClearingDefaultPeriodRunning(id, needed - elapsed);
            r.status = Status.Defaulted;
            uint256 repaid = repayments[id].repaid;
            if (lien.bank != address(0)) {
                // the line no longer carries what the bank has not received: it is a loss now
                creditLines[lien.bank][r.obligor].used -=
                    uint128(ClearingMath.bankShortfall(repaid, 0, lien.due, r.amount));
            }
            emit IClearing.ReceivableDefaulted(id, msg.sender, r.amount - repaid, opId);
        }
    }

    /// @notice See IClearing.claimRecourse; the ledger has checked the operation id, the batch
    /// and that the caller is a bank.
    function claimRecourse(
        mapping(uint256 => Receivable) storage receivables,
        mapping(uint256 => Lien) storage liens,
        mapping(uint256 => Repayment) storage repayments,
        IERC20 token,
        IMembership membership,
        uint256[] calldata ids,
        uint256 opId
    ) external {
        PayoutBatch.Batch memory payouts = PayoutBatch.create(token);
        address seller;
        uint256 available;
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Receivable storage r = _existing(receivables, id);
            if (r.status != Status.Defaulted || r.flags & FLAG_RECOURSE == 0) revert IClearing.ClearingNoRecourse(id);
            Lien memory lien = liens[id];
            if (lien.bank != msg.sender) revert IClearing.ClearingNotCreditor(id, msg.sender);
            Repayment storage rep = repayments[id];
            uint256 owed = ClearingMath.bankShortfall(rep.repaid, rep.recovered, lien.due, r.amount);
            address holder = _holderOf(id);
            if (holder != seller) {
                seller = holder;
                payouts.setPayer(seller); // sends what earlier sellers owe, so the balance read is current
                available = _available(token, membership, seller);
            }
            uint256 amount = owed < available ? owed : available;
            available -= amount; // claims queued against this seller in this batch
            rep.recovered += uint128(amount);
            payouts.add(seller, msg.sender, amount);
            emit IClearing.RecourseClaimed(id, msg.sender, seller, amount, owed - amount, opId);
        }
        payouts.flush();
    }

    /// @notice Pays out what the ledger held for `account` while it could not receive: to itself
    /// (IClearing.withdrawHeldPayouts) or, for an account removed from its organization, to
    /// another active account of that organization (IClearing.withdrawHeldPayoutsOf).
    function withdrawHeld(
        mapping(address => uint256) storage held,
        IERC20 token,
        IMembership membership,
        address account
    ) external {
        uint256 amount = held[account];
        if (amount == 0) revert IClearing.ClearingNothingHeld(account);
        if (membership.activeRoles(msg.sender) == 0) revert IMembership.MemberInactive(msg.sender);
        if (account != msg.sender) {
            bytes32 orgId = membership.formerOrganizationOf(account);
            if (orgId == bytes32(0) || orgId != membership.organizationOf(msg.sender)) {
                revert IClearing.ClearingNotSameOrganization(account, msg.sender);
            }
        }
        delete held[account];
        if (account == msg.sender) emit IClearing.PayoutWithdrawn(account, amount);
        else emit IClearing.HeldPayoutsRedirected(account, msg.sender, amount);
        SafeERC20.safeTransfer(token, msg.sender, amount);
    }

    /// @notice Certificates from `fromId` (the next to be created) on get these periods; existing
    /// ones keep theirs.
    function setPeriods(Periods[] storage periods, uint256 fromId, uint32 gracePeriod, uint32 defaultPeriod)
        public
    {
        uint256 n = periods.length;
        if (n != 0) {
            Periods memory last = periods[n - 1];
            if (last.gracePeriod == gracePeriod && last.defaultPeriod == defaultPeriod) return;
            if (last.fromId == fromId) periods.pop(); // no certificate has it yet
        }
        periods.push(Periods(uint48(fromId), gracePeriod, defaultPeriod));
        emit IClearing.PeriodsChanged(fromId, gracePeriod, defaultPeriod);
    }

    /// @notice The periods fixed for certificate `id` when it was created: the last version from
    /// an id at or below it (binary search; usually one or two versions).
    function periodsOf(Periods[] storage periods, uint256 id) public view returns (Periods memory) {
        uint256 low = 0;
        uint256 high = periods.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (periods[mid].fromId <= id) low = mid + 1;
            else high = mid;
        }
        return periods[low - 1];
    }

    function _existing(mapping(uint256 => Receivable) storage receivables, uint256 id)
        private
        view
        returns (Receivable storage r)
    {
        r = receivables[id];
        if (r.status == Status.None) revert IReceivableRegistry.ReceivableNotFound(id);
    }

    /// @dev The holder, as the ledger's ERC-721 side answers it (ownership is lazy, see
    /// ReceivableRegistry): a call back into the ledger, which is `this` here.
    function _holderOf(uint256 id) private view returns (address) {
        return IERC721(address(this)).ownerOf(id);
    }

    /// @dev As Clearing._available: balance within allowance, nothing for inactive accounts.
    function _available(IERC20 token, IMembership membership, address account) private view returns (uint256) {
        if (membership.activeRoles(account) == 0) return 0;
        uint256 balance = token.balanceOf(account);
        uint256 allowance = token.allowance(account, address(this));
        return balance < allowance ? balance : allowance;
    }
}
