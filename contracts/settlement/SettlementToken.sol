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
/// @dev The operator grants the settlement issuer role when it onboards an issuer, but what an
/// issuer organization may have outstanding (minted less burned) is capped by governance: by
/// `defaultIssuerCap` (0 in production deployments) until governance sets the organization's own
/// cap, and raising a cap waits ISSUER_CAP_DELAY. A compromised operator key therefore cannot
/// mint money by making itself an issuer.
contract SettlementToken is ISettlementToken, ERC20, OperationGuard, MembershipGated {
    /// @notice How long a change of the clearing house waits before it can take effect.
    uint256 public constant CLEARING_HOUSE_DELAY = 2 days;
    /// @notice How long raising an issuer's cap waits before it can take effect.
    uint256 public constant ISSUER_CAP_DELAY = 2 days;

    struct IssuerRecord {
        uint128 outstanding; // minted less burned by the organization's accounts
        uint128 cap; // its own cap, when `ownCap`
        bool ownCap;
        uint128 pendingCap; // a raise scheduled for `pendingAt`
        uint40 pendingAt;
    }

    uint256 private immutable _defaultIssuerCap;
    mapping(bytes32 orgId => IssuerRecord) private _issuers;

    address private _clearingHouse;
    address private _pendingClearingHouse;
    uint40 private _pendingClearingHouseAt;

    /// @param defaultIssuerCap_ what an issuer organization may have outstanding until governance
    /// sets its own cap (0: nothing)
    constructor(IMembership membership_, string memory name_, string memory symbol_, uint128 defaultIssuerCap_)
        ERC20(name_, symbol_)
        MembershipGated(membership_)
    {
        _defaultIssuerCap = defaultIssuerCap_;
    }

    /// @notice One token unit is one fen (0.01 CNY).
    function decimals() public pure override(ERC20, IERC20Metadata) returns (uint8) {
        return 2;
    }

    /// @inheritdoc ISettlementToken
    function mint(address account, uint256 amount, uint256 opId) external {
        _useOperation(opId);
        _requireRole(msg.sender, MemberRoles.SETTLEMENT_ISSUER);
        if (amount == 0) revert SettlementZeroAmount();
        bytes32 orgId = _membership.organizationOf(msg.sender);
        IssuerRecord storage issuer = _issuers[orgId];
        uint256 cap = _capOf(issuer);
        uint256 outstanding = issuer.outstanding;
        uint256 available = cap > outstanding ? cap - outstanding : 0; // a lowered cap can be below it
        if (amount > available) revert SettlementIssuerCapExceeded(orgId, amount, available);
        issuer.outstanding = uint128(outstanding + amount);
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
        IssuerRecord storage issuer = _issuers[_membership.organizationOf(msg.sender)];
        uint256 outstanding = issuer.outstanding;
        issuer.outstanding = uint128(amount < outstanding ? outstanding - amount : 0);
        emit Withdrawn(account, amount, msg.sender, opId);
    }

    /// @inheritdoc ISettlementToken
    function setClearingHouse(address clearingHouse_) external {
        if (!_membership.isGovernor(msg.sender)) revert SettlementUnauthorizedGovernor(msg.sender);
        // the operator never holds money (see Membership._grantRole): nor may it be the clearing house
        if (clearingHouse_ == address(0) || _membership.isOperator(clearingHouse_)) {
            revert SettlementInvalidClearingHouse();
        }
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
    function setIssuerCap(bytes32 orgId, uint256 cap) external {
        if (!_membership.isGovernor(msg.sender)) revert SettlementUnauthorizedGovernor(msg.sender);
        if (cap > type(uint128).max) revert SettlementInvalidIssuerCap(orgId, cap);
        IssuerRecord storage issuer = _issuers[orgId];
        if (cap <= _capOf(issuer)) {
            // lowering is never dangerous: at once, and it cancels a scheduled raise
            issuer.cap = uint128(cap);
            issuer.ownCap = true;
            delete issuer.pendingCap;
            delete issuer.pendingAt;
            emit IssuerCapChanged(orgId, cap);
            return;
        }
        uint256 at = block.timestamp + ISSUER_CAP_DELAY;
        issuer.pendingCap = uint128(cap);
        issuer.pendingAt = uint40(at);
        emit IssuerCapScheduled(orgId, cap, at);
    }

    /// @inheritdoc ISettlementToken
    function applyIssuerCap(bytes32 orgId) external {
        IssuerRecord storage issuer = _issuers[orgId];
        uint256 at = issuer.pendingAt;
        if (at == 0 || block.timestamp < at) revert SettlementIssuerCapNotDue(orgId, at);
        issuer.cap = issuer.pendingCap;
        issuer.ownCap = true;
        delete issuer.pendingCap;
        delete issuer.pendingAt;
        emit IssuerCapChanged(orgId, issuer.cap);
    }

    /// @inheritdoc ISettlementToken
    function issuerCap(bytes32 orgId)
        external
        view
        returns (uint256 cap, uint256 outstanding, uint256 pendingCap, uint256 pendingAt)
    {
        IssuerRecord storage issuer = _issuers[orgId];
        return (_capOf(issuer), issuer.outstanding, issuer.pendingCap, issuer.pendingAt);
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

    /// @dev The operator never moves money either: an operator key may not spend a member's tokens,
    /// whatever the member approved. The clearing house (the ledger), the usual spender, is let
    /// through first so that clearing pays no membership call for it.
    function _spendAllowance(address owner, address spender, uint256 value) internal override {
        if (spender != _clearingHouse && _membership.isOperator(spender)) revert SettlementAccountNotEligible(spender);
        super._spendAllowance(owner, spender, value);
    }

    function _capOf(IssuerRecord storage issuer) private view returns (uint256) {
        return issuer.ownCap ? issuer.cap : _defaultIssuerCap;
    }

    function _requireEligible(address account) private view {
        // membership first: almost every party is a member, so the clearing-house slot is rarely read
        if (!_isActive(account) && account != _clearingHouse) revert SettlementAccountNotEligible(account);
    }
}
