// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IReceivableLedger} from "./interfaces/IReceivableLedger.sol";
import {IMembership} from "./interfaces/IMembership.sol";
import {LedgerParams} from "./interfaces/LedgerTypes.sol";
import {MembershipGated} from "./common/MembershipGated.sol";
import {Financing} from "./financing/Financing.sol";
import {Clearing} from "./clearing/Clearing.sol";
import {PauseClock} from "./libraries/PauseClock.sol";

/// @title ReceivableLedger
/// @notice The deployed ledger: certificates (ReceivableRegistry), financing (Financing) and
/// clearing (Clearing), with the operator's policy parameters and emergency pause.
contract ReceivableLedger is Clearing, IReceivableLedger {
    using PauseClock for PauseClock.Clock;

    uint32 private constant MIN_TENOR = 1 days;
    uint32 private constant MAX_TENOR = 366 days;

    constructor(IMembership membership_, IERC20 token_, LedgerParams memory params_)
        ERC721("ChainFactor Receivable Certificate", "CFRC")
        EIP712("ChainFactor Receivable Ledger", "1")
        MembershipGated(membership_)
        Financing(token_)
    {
        _setParams(params_);
    }

    /// @inheritdoc IReceivableLedger
    function setParams(LedgerParams calldata params_) external onlyOperator {
        _setParams(params_);
    }

    /// @inheritdoc IReceivableLedger
    function pause() external onlyOperator {
        _pause();
        _pauseClock.pause();
    }

    /// @inheritdoc IReceivableLedger
    function unpause() external onlyOperator {
        _unpause();
        _pauseClock.unpause();
    }

    /// @inheritdoc IReceivableLedger
    function params() external view returns (LedgerParams memory) {
        return _params;
    }

    /// @inheritdoc IReceivableLedger
    function settlementToken() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IReceivableLedger
    function membership() external view returns (address) {
        return address(_membership);
    }

    function _setParams(LedgerParams memory p) private {
        if (p.maxTenor < MIN_TENOR || p.maxTenor > MAX_TENOR || p.maxTier == 0 || p.minPartAmount == 0) {
            revert LedgerInvalidParams();
        }
        _params = p;
        emit ParamsUpdated(p);
    }
}
