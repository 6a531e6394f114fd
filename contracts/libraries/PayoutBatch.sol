// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title Payout netting
/// @notice Accumulates settlement-token payments from one payer in memory and sends one transfer
/// per payee when the payer changes or the batch ends. A clearing batch sorted by obligor, bank
/// and holder then costs one token transfer per counterparty pair instead of one per certificate.
/// Per-certificate amounts stay visible in the ledger's own events.
library PayoutBatch {
    using SafeERC20 for IERC20;

    uint256 private constant SLOTS = 8;

    struct Batch {
        IERC20 token;
        address from;
        uint256 count;
        address[SLOTS] to;
        uint256[SLOTS] amount;
    }

    function create(IERC20 token) internal pure returns (Batch memory batch) {
        batch.token = token;
    }

    /// @dev Makes `from` the payer, sending what the previous payer owes first.
    function setPayer(Batch memory batch, address from) internal {
        if (from != batch.from) {
            flush(batch);
            batch.from = from;
        }
    }

    /// @dev Queues `amount` from `from` to `to`; sends what is queued first if the payer changes
    /// or every slot is taken.
    function add(Batch memory batch, address from, address to, uint256 amount) internal {
        if (amount == 0) return;
        setPayer(batch, from);
        uint256 count = batch.count;
        for (uint256 i = 0; i < count; ++i) {
            if (batch.to[i] == to) {
                batch.amount[i] += amount;
                return;
            }
        }
        if (count == SLOTS) {
            flush(batch);
            count = 0;
        }
        batch.to[count] = to;
        batch.amount[count] = amount;
        batch.count = count + 1;
    }

    /// @dev Sends everything queued.
    function flush(Batch memory batch) internal {
        for (uint256 i = 0; i < batch.count; ++i) {
            batch.token.safeTransferFrom(batch.from, batch.to[i], batch.amount[i]);
        }
        batch.count = 0;
    }
}
