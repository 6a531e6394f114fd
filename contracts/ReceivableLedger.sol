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
import {Documents} from "./documents/Documents.sol";
import {PauseClock} from "./libraries/PauseClock.sol";

/// @title ReceivableLedger
/// @notice The deployed ledger: certificates (ReceivableRegistry), financing (Financing) and
/// clearing (Clearing), with the operator's policy parameters and emergency pause.
/// @dev The operator's powers here are bounded so that a compromised operator key cannot push a
/// certificate into default: grace and default periods have floors and are fixed per certificate
/// when it is created, and a pause (which stops both from running) expires after
/// MAX_OPERATOR_PAUSE unless governance extends it.
contract ReceivableLedger is Clearing, Documents, IReceivableLedger {
    using PauseClock for PauseClock.Clock;

    uint32 private constant MIN_TENOR = 1 days;
    uint32 private constant MAX_TENOR = 366 days;
    uint32 private constant MIN_GRACE = 1 days;
    uint32 private constant MAX_GRACE = 30 days;
    uint32 private constant MIN_DEFAULT_PERIOD = 7 days;
    uint32 private constant MAX_DEFAULT_PERIOD = 180 days;
    uint32 private constant MIN_ACCEPTANCE_PERIOD = 1 hours;
    uint32 private constant MAX_ACCEPTANCE_PERIOD = 30 days;
    /// @notice The longest pause the operator alone may impose; longer ones need governance.
    uint256 public constant MAX_OPERATOR_PAUSE = 7 days;

    uint40 private _pauseEnds;

    /// @dev One shared check rather than one per function: the ledger is at EIP-170's size limit.
    modifier onlyGovernor() {
        _requireGovernor();
        _;
    }

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
        uint256 ends = block.timestamp + MAX_OPERATOR_PAUSE;
        _pauseEnds = uint40(ends);
        _pauseClock.pause(ends);
        emit PauseEndSet(ends);
    }

    /// @inheritdoc IReceivableLedger
    function unpause() external onlyOperator {
        _unpause();
        _pauseEnds = uint40(block.timestamp);
        _pauseClock.unpause();
    }

    /// @inheritdoc IReceivableLedger
    function extendPause(uint256 until) external onlyGovernor {
        _requirePaused();
        if (until <= block.timestamp || until > type(uint40).max) revert LedgerInvalidPauseEnd(until);
        _pauseEnds = uint40(until);
        _pauseClock.extend(until);
        emit PauseEndSet(until);
    }

    /// @inheritdoc IReceivableLedger
    function resumeObligor(address obligor, bytes32 reason) external onlyGovernor {
        if (reason == bytes32(0)) revert LedgerReasonRequired();
        _resumeObligor(obligor);
        emit ObligorResumed(obligor, 0, reason);
    }

    /// @notice Paused by the operator and not yet expired.
    function paused() public view override returns (bool) {
        return super.paused() && block.timestamp < _pauseEnds;
    }

    /// @inheritdoc IReceivableLedger
    function pauseEnds() external view returns (uint256) {
        return paused() ? _pauseEnds : 0;
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

    function _requireGovernor() private view {
        if (!_membership.isGovernor(msg.sender)) revert LedgerUnauthorizedGovernor(msg.sender);
    }

    function _setParams(LedgerParams memory p) private {
        if (p.maxTenor < MIN_TENOR || p.maxTenor > MAX_TENOR || p.maxTier == 0 || p.minPartAmount == 0) {
            revert LedgerInvalidParams();
        }
        if (p.gracePeriod < MIN_GRACE || p.gracePeriod > MAX_GRACE || p.defaultPeriod < MIN_DEFAULT_PERIOD
            || p.defaultPeriod > MAX_DEFAULT_PERIOD) revert LedgerInvalidParams();
        if (p.acceptancePeriod < MIN_ACCEPTANCE_PERIOD || p.acceptancePeriod > MAX_ACCEPTANCE_PERIOD) {
            revert LedgerInvalidParams();
        }
        _params = p;
        emit ParamsUpdated(p);
        _setPeriods(p.gracePeriod, p.defaultPeriod);
    }
}
