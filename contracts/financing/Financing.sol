// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IFinancing} from "../interfaces/IFinancing.sol";
import {Status, Receivable, FinanceTerms, Lien, CreditLine, FLAG_RECOURSE} from "../interfaces/LedgerTypes.sol";
import {IMembership} from "../interfaces/IMembership.sol";
import {ReceivableRegistry} from "../receivables/ReceivableRegistry.sol";
import {MemberRoles} from "../libraries/MemberRoles.sol";
import {PayoutBatch} from "../libraries/PayoutBatch.sol";

/// @title Financing
/// @notice Credit lines and delivery-versus-payment funding of certificates.
/// @dev Escrow is a lien held by this contract rather than a change of owner: while the lien
/// exists the certificate's status is Financed, and `_update` refuses to move it, so the holder
/// keeps title but cannot transfer, split, cancel or refinance it. Custody by transfer would add
/// two storage writes (owner and seller) per financing for no further guarantee.
abstract contract Financing is ReceivableRegistry, ReentrancyGuardTransient, IFinancing {
    using PayoutBatch for PayoutBatch.Batch;

    bytes32 internal constant FINANCE_TERMS_TYPEHASH = keccak256(
        "FinanceTerms(uint256 receivableId,address bank,uint256 advance,uint256 due,bool recourse,"
        "bytes32 agreement,uint256 nonce,uint256 deadline)"
    );

    IERC20 internal immutable _token;
    mapping(uint256 id => Lien) internal _liens;
    mapping(address bank => mapping(address obligor => CreditLine)) internal _creditLines;

    constructor(IERC20 token) {
        _token = token;
    }

    /// @inheritdoc IFinancing
    function setCreditLine(address obligor, uint256 limit, uint256 opId) external whenNotPaused {
        _useOperation(opId);
        _requireRole(msg.sender, MemberRoles.BANK);
        _requireRole(obligor, MemberRoles.CORE_ENTERPRISE);
        CreditLine storage line = _creditLines[msg.sender][obligor];
        uint128 used = line.used;
        if (limit < used || limit > type(uint128).max) revert FinancingInvalidLimit(obligor, limit, used);
        line.limit = uint128(limit);
        emit CreditLineSet(msg.sender, obligor, limit, used, opId);
    }

    /// @inheritdoc IFinancing
    function finance(FinanceTerms[] calldata terms, bytes[] calldata signatures, uint256 opId)
        external
        whenNotPaused
        nonReentrant
    {
        _useOperation(opId);
        _requireNonEmpty(terms.length);
        if (signatures.length != terms.length) revert LedgerLengthMismatch(terms.length, signatures.length);
        _requireRole(msg.sender, MemberRoles.BANK);
        PayoutBatch.Batch memory advances = PayoutBatch.create(_token);
        for (uint256 i = 0; i < terms.length; ++i) {
            (address seller, uint256 advance, bytes4 problem) = _fund(terms[i], signatures[i], opId);
            if (problem != 0) {
                // the holder (or time) made it ineligible since signing: the rest of the batch is funded
                emit FinancingSkipped(terms[i].receivableId, msg.sender, problem, opId);
                continue;
            }
            advances.add(msg.sender, seller, advance);
        }
        advances.flush();
    }

    /// @inheritdoc IFinancing
    function lienOf(uint256 id) external view returns (Lien memory) {
        return _liens[id];
    }

    /// @inheritdoc IFinancing
    function creditLine(address bank, address obligor) external view returns (CreditLine memory) {
        return _creditLines[bank][obligor];
    }

    /// @dev Checks one terms and its signature, records the lien and charges the credit line.
    /// Returns who receives the advance (the caller pays it), or why the item is skipped: what its
    /// holder or time changed since the holder signed (status, maturity, holder, nonce, deadline,
    /// the holder's membership). The bank's own mistakes (terms, credit line) revert the batch.
    function _fund(FinanceTerms calldata t, bytes calldata signature, uint256 opId)
        private
        returns (address seller, uint256 advance, bytes4 problem)
    {
        uint256 id = t.receivableId;
        if (t.bank != msg.sender) revert FinancingNotBank(id, t.bank, msg.sender);
        Receivable storage r = _existing(id);
        advance = t.advance;
        uint256 due = t.due;
        if (due > r.amount) revert FinancingDueExceedsFace(id, due, r.amount);
        if (advance == 0 || advance > due) revert FinancingInvalidAdvance(id, advance, due);
        if (r.status != Status.Confirmed) {
            return (seller, 0, ReceivableInvalidStatus.selector);
        }
        if (block.timestamp >= r.maturity) return (seller, 0, ReceivableMatured.selector);

        seller = _ownerOf(id);
        if (!_isActive(seller)) return (seller, 0, IMembership.MemberInactive.selector);
        problem = _useIntent(seller, _termsHash(t), t.nonce, t.deadline, signature);
        if (problem != 0) return (seller, 0, problem);

        address obligor = r.obligor;
        CreditLine storage line = _creditLines[msg.sender][obligor];
        uint256 used = line.used + due;
        if (used > line.limit) {
            revert FinancingCreditLimitExceeded(msg.sender, obligor, due, line.limit - line.used);
        }
        line.used = uint128(used);

        r.status = Status.Financed;
        if (t.recourse) r.flags |= FLAG_RECOURSE;
        _liens[id] = Lien({bank: msg.sender, due: uint96(due)});
        emit ReceivableFinanced(id, msg.sender, seller, advance, due, t.recourse, t.agreement, t.nonce, opId);
    }

    /// @dev Field by field: `abi.encode(FINANCE_TERMS_TYPEHASH, t)` gives the same words but 21 more
    /// bytes of ledger code, which has none to spare (EIP-170).
    function _termsHash(FinanceTerms calldata t) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                FINANCE_TERMS_TYPEHASH,
                t.receivableId,
                t.bank,
                t.advance,
                t.due,
                t.recourse,
                t.agreement,
                t.nonce,
                t.deadline
            )
        );
    }
}
