// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ISettlementToken} from "../interfaces/ISettlementToken.sol";
import {IMembership} from "../interfaces/IMembership.sol";
import {OperationGuard} from "../common/OperationGuard.sol";
import {MembershipGated} from "../common/MembershipGated.sol";
import {MemberRoles} from "../libraries/MemberRoles.sol";

/// @title SettlementToken
/// @notice Permissioned 2-decimal ERC-20 for tokenized deposits or digital CNY.
contract SettlementToken is ISettlementToken, ERC20, OperationGuard, MembershipGated {
    /// @notice How long a change of the clearing house waits before it can take effect.
    uint256 public constant CLEARING_HOUSE_DELAY = 2 days;

    address private _clearingHouse;
    address private _pendingClearingHouse;
    uint40 private _pendingClearingHouseAt;

    constructor(IMembership membership_, string memory name_, string memory symbol_)
        ERC20(name_, symbol_)
        MembershipGated(membership_)
    {}

    /// @notice One token unit is one fen (0.01 CNY).
    function decimals() public pure override(ERC20, IERC20Metadata) returns (uint8) {
        return 2;
    }

    /// @inheritdoc ISettlementToken
    function mint(address account, uint256 amount, uint256 opId) external {
        _useOperation(opId);
        _requireRole(msg.sender, MemberRoles.SETTLEMENT_ISSUER);
        if (amount == 0) revert SettlementZeroAmount();
        _mint(account, amount);
        emit Deposited(account, amount, msg.sender, opId);
    }

    /// @inheritdoc ISettlementToken
    function burn(address account, uint256 amount, uint256 opId) external {
        _useOperation(opId);
        _requireRole(msg.sender, MemberRoles.SETTLEMENT_ISSUER);
        if (amount == 0) revert SettlementZeroAmount();
        if (account != msg.sender) _spendAllowance(account, msg.sender, amount);
        _burn(account, amount);
        emit Withdrawn(account, amount, msg.sender, opId);
    }

    /// @inheritdoc ISettlementToken
    function setClearingHouse(address clearingHouse_) external {
        if (!_membership.isGovernor(msg.sender)) revert SettlementUnauthorizedGovernor(msg.sender);
        if (clearingHouse_ == address(0)) revert SettlementInvalidClearingHouse();
        if (_clearingHouse == address(0)) {
            // wiring at deployment: nothing holds or moves through a clearing house yet
            emit ClearingHouseChanged(address(0), clearingHouse_);
            _clearingHouse = clearingHouse_;
            return;
        }
        uint256 at = block.timestamp + CLEARING_HOUSE_DELAY;
        _pendingClearingHouse = clearingHouse_;
        _pendingClearingHouseAt = uint40(at);
        emit ClearingHouseChangeScheduled(clearingHouse_, at);
    }

    /// @inheritdoc ISettlementToken
    function applyClearingHouse() external {
        uint256 at = _pendingClearingHouseAt;
        if (at == 0 || block.timestamp < at) revert SettlementClearingHouseNotDue(at);
        address next = _pendingClearingHouse;
        emit ClearingHouseChanged(_clearingHouse, next);
        _clearingHouse = next;
        delete _pendingClearingHouse;
        delete _pendingClearingHouseAt;
    }

    /// @inheritdoc ISettlementToken
    function pendingClearingHouse() external view returns (address clearingHouse_, uint256 effectiveAt) {
        return (_pendingClearingHouse, _pendingClearingHouseAt);
    }

    /// @inheritdoc ISettlementToken
    function clearingHouse() external view returns (address) {
        return _clearingHouse;
    }

    /// @dev The one place transfer rules live: every sender and receiver (other than the zero
    /// address of a mint or burn) must be an active member or the clearing house.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0)) _requireEligible(from);
        if (to != address(0)) _requireEligible(to);
        super._update(from, to, value);
    }

    function _requireEligible(address account) private view {
        // membership first: almost every party is a member, so the clearing-house slot is rarely read
        if (!_isActive(account) && account != _clearingHouse) revert SettlementAccountNotEligible(account);
    }
}
