// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title BaselineReceivables
/// @notice Gas-benchmark baseline only, never deployed: receivable certificates written the
/// straightforward way, to measure the ledger against (scripts/bench/gas.ts). One item per
/// transaction, an ERC-721 token minted per certificate, unpacked structs, the certificate moved
/// into escrow on financing, and one plain ERC-20 transfer per payment. No batching, no
/// signatures (the holder authorizes a bank once with `setApprovalForAll`), no operation ids,
/// no membership checks of its own (the settlement token still checks its senders and
/// receivers), no partial repayment: the obligor pays in full or the settlement reverts.
contract BaselineReceivables is ERC721 {
    enum Status {
        None,
        Pending,
        Confirmed,
        Financed,
        Settled
    }

    struct Receivable {
        address obligor;
        address creditor;
        uint256 amount;
        uint256 maturity;
        uint8 status;
        bytes32 invoicesRoot;
    }

    struct Financing {
        address bank;
        address seller;
        uint256 advance;
        uint256 due;
        bool recourse;
    }

    error BaselineInvalidInput();
    error BaselineDuplicateInvoice(bytes32 invoiceKey, uint256 existingId);
    error BaselineInvalidStatus(uint256 id, uint8 status);
    error BaselineNotObligor(uint256 id, address caller);
    error BaselineNotAuthorizedBank(uint256 id, address caller);
    error BaselineInvalidTerms(uint256 id);
    error BaselineMatured(uint256 id);
    error BaselineNotMatured(uint256 id);
    error BaselineTransferFailed();

    event Registered(
        uint256 indexed id, address indexed obligor, address indexed creditor, uint256 amount, uint256 maturity
    );
    event Confirmed(uint256 indexed id, address indexed obligor);
    event Financed(uint256 indexed id, address indexed bank, address indexed seller, uint256 advance, uint256 due);
    event Settled(uint256 indexed id, uint256 toBank, uint256 toHolder);

    IERC20 private immutable _token;
    uint256 private _lastId;
    mapping(uint256 id => Receivable) private _receivables;
    mapping(bytes32 invoiceKey => uint256 id) private _invoiceReceivable;
    mapping(uint256 id => Financing) private _financings;

    constructor(IERC20 token_) ERC721("Baseline Receivable", "BRCV") {
        _token = token_;
    }

    /// @notice Register a receivable owed to the caller by `obligor`; it starts Pending.
    function register(
        address obligor,
        uint256 amount,
        uint256 maturity,
        bytes32 invoicesRoot,
        bytes32[] calldata invoiceKeys
    ) external returns (uint256 id) {
        if (obligor == address(0) || amount == 0 || maturity <= block.timestamp || invoiceKeys.length == 0) {
            revert BaselineInvalidInput();
        }
        id = ++_lastId;
        for (uint256 k = 0; k < invoiceKeys.length; ++k) {
            uint256 existing = _invoiceReceivable[invoiceKeys[k]];
            if (existing != 0) revert BaselineDuplicateInvoice(invoiceKeys[k], existing);
            _invoiceReceivable[invoiceKeys[k]] = id;
        }
        _receivables[id] = Receivable({
            obligor: obligor,
            creditor: msg.sender,
            amount: amount,
            maturity: maturity,
            status: uint8(Status.Pending),
            invoicesRoot: invoicesRoot
        });
        _mint(msg.sender, id);
        emit Registered(id, obligor, msg.sender, amount, maturity);
    }

    /// @notice Confirm a Pending receivable owed by the caller.
    function confirm(uint256 id) external {
        Receivable storage r = _receivables[id];
        if (r.status != uint8(Status.Pending)) revert BaselineInvalidStatus(id, r.status);
        if (r.obligor != msg.sender) revert BaselineNotObligor(id, msg.sender);
        r.status = uint8(Status.Confirmed);
        emit Confirmed(id, msg.sender);
    }

    /// @notice Fund a Confirmed certificate: it moves into escrow here and the caller (a bank the
    /// holder approved as operator) pays the advance to the holder.
    function finance(uint256 id, uint256 advance, uint256 due, bool recourse) external {
        Receivable storage r = _receivables[id];
        if (r.status != uint8(Status.Confirmed)) revert BaselineInvalidStatus(id, r.status);
        if (block.timestamp >= r.maturity) revert BaselineMatured(id);
        if (advance == 0 || advance > due || due > r.amount) revert BaselineInvalidTerms(id);
        address seller = ownerOf(id);
        if (!isApprovedForAll(seller, msg.sender)) revert BaselineNotAuthorizedBank(id, msg.sender);
        _financings[id] = Financing({bank: msg.sender, seller: seller, advance: advance, due: due, recourse: recourse});
        r.status = uint8(Status.Financed);
        _transfer(seller, address(this), id);
        emit Financed(id, msg.sender, seller, advance, due);
        _pay(msg.sender, seller, advance);
    }

    /// @notice Settle a matured certificate: the obligor pays the bank what it is due and the
    /// holder the rest, straight from its allowance to this contract.
    function settle(uint256 id) external {
        Receivable storage r = _receivables[id];
        uint8 status = r.status;
        if (status != uint8(Status.Confirmed) && status != uint8(Status.Financed)) {
            revert BaselineInvalidStatus(id, status);
        }
        if (block.timestamp < r.maturity) revert BaselineNotMatured(id);
        uint256 amount = r.amount;
        r.status = uint8(Status.Settled);
        if (status == uint8(Status.Financed)) {
            Financing storage f = _financings[id];
            uint256 toBank = f.due < amount ? f.due : amount;
            emit Settled(id, toBank, amount - toBank);
            _pay(r.obligor, f.bank, toBank);
            _pay(r.obligor, f.seller, amount - toBank);
        } else {
            emit Settled(id, 0, amount);
            _pay(r.obligor, ownerOf(id), amount);
        }
    }

    /// @notice A receivable's record.
    function receivable(uint256 id) external view returns (Receivable memory) {
        return _receivables[id];
    }

    /// @notice A certificate's financing (zero if never financed).
    function financing(uint256 id) external view returns (Financing memory) {
        return _financings[id];
    }

    function _pay(address from, address to, uint256 amount) private {
        if (amount == 0) return;
        if (!_token.transferFrom(from, to, amount)) revert BaselineTransferFailed();
    }
}
