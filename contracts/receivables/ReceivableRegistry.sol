// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IReceivableRegistry} from "../interfaces/IReceivableRegistry.sol";
import {
    Status,
    Receivable,
    ReceivableInput,
    SplitPart,
    LedgerParams,
    Attestation,
    ConfirmItem,
    Offer,
    OfferReturn,
    FLAG_TRANSFERRED
} from "../interfaces/LedgerTypes.sol";
import {OperationGuard} from "../common/OperationGuard.sol";
import {SignedIntents} from "../common/SignedIntents.sol";
import {MembershipGated} from "../common/MembershipGated.sol";
import {MemberRoles} from "../libraries/MemberRoles.sol";

/// @title ReceivableRegistry
/// @notice Certificate storage, creation and the pre-financing lifecycle.
/// @dev Ownership is lazy, as in OpenZeppelin's ERC721Consecutive: a certificate's holder is its
/// `creditor` (already in its record) until it first changes hands, and only then is an owner
/// written to ERC721's own storage. Most certificates are never transferred, so this saves a
/// storage slot per certificate and a cold read on every financing and settlement.
/// Consent (签收): certificates change hands only by offer and acceptance. ERC-721's own transfer
/// and approval functions therefore refuse; `transferCertificate` offers, `accept` moves.
abstract contract ReceivableRegistry is
    ERC721,
    Pausable,
    OperationGuard,
    SignedIntents,
    MembershipGated,
    IReceivableRegistry
{
    bytes32 internal constant CONFIRM_TYPEHASH = keccak256(
        "ConfirmReceivables(ConfirmedReceivable[] items,uint256 nonce,uint256 deadline)"
        "ConfirmedReceivable(uint256 id,address creditor,uint256 amount,uint256 maturity,bytes32 invoicesRoot)"
    );
    bytes32 internal constant CONFIRMED_RECEIVABLE_TYPEHASH = keccak256(
        "ConfirmedReceivable(uint256 id,address creditor,uint256 amount,uint256 maturity,bytes32 invoicesRoot)"
    );
    bytes32 internal constant ATTESTED_RECEIVABLE_TYPEHASH = keccak256(
        "AttestedReceivable(address obligor,address creditor,uint256 amount,uint256 maturity,bytes32 invoicesRoot,"
        "bytes32[] invoiceKeys)"
    );
    bytes32 internal constant INVOICE_ATTESTATION_TYPEHASH = keccak256(
        "InvoiceAttestation(bool issued,AttestedReceivable[] items,uint256 deadline)"
        "AttestedReceivable(address obligor,address creditor,uint256 amount,uint256 maturity,bytes32 invoicesRoot,"
        "bytes32[] invoiceKeys)"
    );

    mapping(uint256 id => Receivable) internal _receivables;
    mapping(bytes32 invoiceKey => uint256 id) private _invoiceReceivable;
    uint256 private _lastId;
    LedgerParams internal _params;
    mapping(uint256 id => Offer) private _offers;
    /// @dev Certificates of each obligor overdue beyond grace or defaulted (kept by Clearing).
    mapping(address obligor => uint256 count) internal _delinquencies;

    // ─── Creation ───────────────────────────────────────────────────────

    /// @inheritdoc IReceivableRegistry
    function register(ReceivableInput[] calldata items, Attestation calldata attestation, uint256 opId)
        external
        whenNotPaused
        returns (uint256 firstId)
    {
        _useOperation(opId);
        _requireRole(msg.sender, MemberRoles.SUPPLIER);
        return _createAll(items, attestation, opId, false);
    }

    /// @inheritdoc IReceivableRegistry
    function issue(ReceivableInput[] calldata items, Attestation calldata attestation, uint256 opId)
        external
        whenNotPaused
        returns (uint256 firstId)
    {
        _useOperation(opId);
        _requireRole(msg.sender, MemberRoles.CORE_ENTERPRISE);
        _requireNotDelinquent(msg.sender);
        return _createAll(items, attestation, opId, true);
    }

    // ─── Confirmation ───────────────────────────────────────────────────

    /// @inheritdoc IReceivableRegistry
    function confirm(ConfirmItem[] calldata items, uint256 opId) external whenNotPaused {
        _useOperation(opId);
        _requireRole(msg.sender, MemberRoles.CORE_ENTERPRISE);
        _requireNotDelinquent(msg.sender);
        _confirmAll(items, msg.sender, opId);
    }

    /// @inheritdoc IReceivableRegistry
    function confirmBySig(
        ConfirmItem[] calldata items,
        address obligor,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature,
        uint256 opId
    ) external whenNotPaused {
        _useOperation(opId);
        bytes32[] memory hashes = new bytes32[](items.length);
        for (uint256 i = 0; i < items.length; ++i) {
            hashes[i] = keccak256(abi.encode(CONFIRMED_RECEIVABLE_TYPEHASH, items[i]));
        }
        bytes32 itemsHash = keccak256(abi.encodePacked(hashes));
        bytes32 structHash = keccak256(abi.encode(CONFIRM_TYPEHASH, itemsHash, nonce, deadline));
        _verifyIntent(obligor, structHash, nonce, deadline, signature);
        _requireRole(obligor, MemberRoles.CORE_ENTERPRISE);
        _requireNotDelinquent(obligor);
        _confirmAll(items, obligor, opId);
    }

    /// @inheritdoc IReceivableRegistry
    function reject(uint256[] calldata ids, bytes32 reason, uint256 opId) external whenNotPaused {
        _useOperation(opId);
        _requireRole(msg.sender, MemberRoles.CORE_ENTERPRISE);
        _requireNonEmpty(ids.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Receivable storage r = _pending(id);
            if (r.obligor != msg.sender) revert ReceivableNotObligor(id, msg.sender);
            r.status = Status.Rejected; // frees its invoice keys, see _backingReceivable
            emit ReceivableRejected(id, msg.sender, reason, opId);
        }
    }

    /// @inheritdoc IReceivableRegistry
    function cancel(uint256[] calldata ids, uint256 opId) external whenNotPaused {
        _useOperation(opId);
        _requireActive(msg.sender);
        _requireNonEmpty(ids.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Receivable storage r = _pending(id);
            if (_ownerOf(id) != msg.sender) revert ReceivableNotHolder(id, msg.sender);
            r.status = Status.Cancelled; // frees its invoice keys, see _backingReceivable
            emit ReceivableCancelled(id, msg.sender, opId);
        }
    }

    // ─── Split and transfer ─────────────────────────────────────────────

    /// @inheritdoc IReceivableRegistry
    function split(uint256 id, SplitPart[] calldata parts, uint256 opId)
        external
        whenNotPaused
        returns (uint256 firstChildId)
    {
        _useOperation(opId);
        _requireActive(msg.sender);
        Receivable storage parent = _transferable(id);
        if (_ownerOf(id) != msg.sender) revert ReceivableNotHolder(id, msg.sender);
        if (parts.length < 2) revert SplitTooFewParts(parts.length);
        LedgerParams memory p = _params;
        uint8 tier = parent.tier + 1;
        if (tier > p.maxTier) revert SplitTierTooDeep(tier, p.maxTier);

        parent.status = Status.Split;
        uint256 childId = _lastId;
        firstChildId = childId + 1;
        uint256 total;
        uint256 expires = block.timestamp + p.acceptancePeriod;
        for (uint256 i = 0; i < parts.length; ++i) {
            SplitPart calldata part = parts[i];
            if (part.amount < p.minPartAmount) revert SplitPartTooSmall(part.amount, p.minPartAmount);
            _requireRole(part.to, MemberRoles.SUPPLIER);
            total += part.amount;
            ++childId;
            bool offered = part.to != msg.sender; // another supplier's part is the splitter's until accepted
            _receivables[childId] = Receivable({
                obligor: parent.obligor,
                amount: uint80(part.amount), // sum is checked against the parent's uint80 amount below
                status: offered ? Status.Offered : Status.Confirmed,
                flags: 0,
                creditor: msg.sender,
                maturity: parent.maturity,
                tier: tier,
                parentId: uint48(id),
                invoicesRoot: bytes32(0)
            });
            _issueTo(msg.sender, childId);
            emit ReceivableSplit(id, childId, msg.sender, part.amount, tier, opId);
            if (offered) _offer(childId, msg.sender, part.to, expires, opId);
        }
        if (total != parent.amount) revert SplitAmountMismatch(id, parent.amount, total);
        _lastId = childId;
    }

    /// @inheritdoc IReceivableRegistry
    function transferCertificate(address to, uint256 id, uint256 opId) external whenNotPaused {
        _useOperation(opId);
        _requireActive(msg.sender);
        Receivable storage r = _transferable(id);
        if (_ownerOf(id) != msg.sender) revert ReceivableNotHolder(id, msg.sender);
        if (to == msg.sender) revert CertificateSelfTransfer(id);
        _requireRole(to, MemberRoles.SUPPLIER);
        r.status = Status.Offered;
        _offer(id, msg.sender, to, block.timestamp + _params.acceptancePeriod, opId);
    }

    // ─── Acceptance (签收 / 拒签) ─────────────────────────────────────────

    /// @inheritdoc IReceivableRegistry
    function accept(uint256[] calldata ids, uint256 opId) external whenNotPaused {
        _useOperation(opId);
        _requireRole(msg.sender, MemberRoles.SUPPLIER);
        _requireNonEmpty(ids.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            (Receivable storage r, Offer memory offer) = _offered(id);
            if (offer.to != msg.sender) revert OfferNotReceiver(id, msg.sender);
            if (block.timestamp >= offer.expires) revert OfferExpired(id, offer.expires);
            r.status = Status.Confirmed;
            delete _offers[id];
            address from = _ownerOf(id);
            if (from != msg.sender) {
                _transfer(from, msg.sender, id); // checks maturity, the sender and the receiver
                emit ReceivableTransferred(id, from, msg.sender, opId);
            } else if (block.timestamp >= r.maturity) {
                revert ReceivableMatured(id, r.maturity);
            }
            emit OfferAccepted(id, msg.sender, opId);
        }
    }

    /// @inheritdoc IReceivableRegistry
    function returnOffers(uint256[] calldata ids, bytes32 reason, uint256 opId) external whenNotPaused {
        _useOperation(opId);
        _requireNonEmpty(ids.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            (Receivable storage r, Offer memory offer) = _offered(id);
            address holder = _ownerOf(id);
            bool issued = holder == offer.to; // an issued certificate's receiver is already its creditor
            OfferReturn cause;
            if (msg.sender == offer.to) {
                _requireActive(msg.sender); // refusing is acting: not while suspended or removed
                cause = OfferReturn.Refused;
            } else if (msg.sender == (issued ? r.obligor : holder)) {
                _requireActive(msg.sender);
                cause = OfferReturn.Withdrawn;
            } else {
                uint256 due = offer.expires < r.maturity ? offer.expires : r.maturity;
                if (block.timestamp < due) revert OfferNotReturnable(id, due);
                cause = OfferReturn.Expired;
            }
            r.status = issued ? Status.Void : Status.Confirmed; // Void frees its invoice keys
            delete _offers[id];
            emit OfferReturned(id, offer.to, cause, reason, opId);
        }
    }

    /// @dev Certificates move only when their receiver accepts them (`accept`).
    function transferFrom(address, address, uint256 tokenId) public pure override {
        revert CertificateMovesByOffer(tokenId);
    }

    /// @dev See `transferFrom`.
    function safeTransferFrom(address, address, uint256 tokenId, bytes memory) public pure override {
        revert CertificateMovesByOffer(tokenId);
    }

    /// @dev No one may move a certificate for its holder: see `transferFrom`.
    function approve(address, uint256 tokenId) public pure override {
        revert CertificateMovesByOffer(tokenId);
    }

    /// @dev See `approve`.
    function setApprovalForAll(address, bool) public pure override {
        revert CertificateMovesByOffer(0);
    }

    /// @dev The one place certificate transfer rules live. Certificates are created by
    /// `_issueTo`, never burned, and only transferred through here, by `accept`: a transfer needs
    /// an unpaused ledger, a Confirmed (so unencumbered) certificate before maturity, an active
    /// sender and holder, and an active supplier as recipient.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        Receivable storage r = _receivables[tokenId];
        if (to == address(0) || r.status != Status.Confirmed) revert CertificateNotTransferable(tokenId, r.status);
        _requireNotPaused();
        if (block.timestamp >= r.maturity) revert ReceivableMatured(tokenId, r.maturity);
        _requireActive(msg.sender);
        _requireRole(to, MemberRoles.SUPPLIER);
        from = super._update(to, tokenId, auth); // reads the holder through _ownerOf, then stores `to`
        _requireActive(from);
        r.flags |= FLAG_TRANSFERRED;
    }

    /// @dev The holder: the creditor until the first transfer, then ERC721's stored owner.
    function _ownerOf(uint256 tokenId) internal view override returns (address) {
        Receivable storage r = _receivables[tokenId];
        if (r.flags & FLAG_TRANSFERRED != 0) return super._ownerOf(tokenId);
        return r.creditor; // zero for ids that do not exist
    }

    /// @dev Creates the ERC-721 side of a new certificate whose record names `holder` as creditor.
    function _issueTo(address holder, uint256 id) private {
        _increaseBalance(holder, 1);
        emit Transfer(address(0), holder, id);
    }

    // ─── Views ──────────────────────────────────────────────────────────

    /// @inheritdoc IReceivableRegistry
    function receivable(uint256 id) external view returns (Receivable memory) {
        return _existing(id);
    }

    /// @dev No metadata address, as ERC721 answers with no base URI: a certificate's facts are
    /// `receivable(id)`. Saves ERC721's number-to-text code the ledger would otherwise carry.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        return "";
    }

    /// @inheritdoc IReceivableRegistry
    function invoicesRootOf(uint256 id) external view returns (bytes32) {
        Receivable storage r = _existing(id);
        while (r.parentId != 0) r = _receivables[r.parentId];
        return r.invoicesRoot;
    }

    /// @inheritdoc IReceivableRegistry
    function receivableOfInvoice(bytes32 invoiceKey) external view returns (uint256) {
        return _backingReceivable(invoiceKey);
    }

    /// @inheritdoc IReceivableRegistry
    function lastReceivableId() external view returns (uint256) {
        return _lastId;
    }

    /// @inheritdoc IReceivableRegistry
    function offerOf(uint256 id) external view returns (Offer memory) {
        return _offers[id];
    }

    /// @inheritdoc IReceivableRegistry
    function delinquenciesOf(address obligor) external view returns (uint256) {
        return _delinquencies[obligor];
    }

    // ─── Internals ──────────────────────────────────────────────────────

    function _createAll(ReceivableInput[] calldata items, Attestation calldata attestation, uint256 opId, bool issued)
        private
        returns (uint256)
    {
        _requireNonEmpty(items.length);
        if (block.timestamp > attestation.deadline) revert AttestationExpired(attestation.deadline, block.timestamp);
        if (!_membership.isVerifier(attestation.verifier)) revert AttestationNotVerifier(attestation.verifier);
        bytes32[] memory attested = new bytes32[](items.length);
        LedgerParams memory p = _params;
        uint256 latestMaturity = block.timestamp + p.maxTenor;
        uint256 id = _lastId;
        uint256 expires = block.timestamp + p.acceptancePeriod;
        uint8 role = issued ? MemberRoles.SUPPLIER : MemberRoles.CORE_ENTERPRISE;
        // counterparty already checked (batches usually repeat one counterparty): the first item's
        // is checked before the loop, so no address (address(0) included) skips the check
        address checked = items[0].counterparty;
        _requireRole(checked, role);
        for (uint256 i = 0; i < items.length; ++i) {
            ReceivableInput calldata item = items[i];
            if (item.counterparty != checked) {
                _requireRole(item.counterparty, role);
                checked = item.counterparty;
            }
            (address obligor, address creditor) = issued ? (msg.sender, checked) : (checked, msg.sender);
            attested[i] = _attestedItemHash(obligor, creditor, item);
            ++id;
            _create(id, obligor, creditor, item, issued ? Status.Offered : Status.Pending, latestMaturity);
            if (issued) {
                emit ReceivableIssued(
                    id, obligor, creditor, item.amount, item.maturity, item.invoicesRoot, item.invoiceKeys, opId
                );
                _offer(id, obligor, creditor, expires, opId);
            } else {
                emit ReceivableRegistered(
                    id, obligor, creditor, item.amount, item.maturity, item.invoicesRoot, item.invoiceKeys, opId
                );
            }
        }
        _lastId = id;
        bytes32 itemsHash = keccak256(abi.encodePacked(attested));
        bytes32 structHash =
            keccak256(abi.encode(INVOICE_ATTESTATION_TYPEHASH, issued, itemsHash, attestation.deadline));
        bytes32 digest = _hashTypedDataV4(structHash);
        if (!_isValidSignature(attestation.verifier, digest, attestation.signature)) {
            revert AttestationInvalid(attestation.verifier);
        }
        return id - items.length + 1;
    }

    /// @dev EIP-712 hashStruct of one attested certificate (type `AttestedReceivable`).
    function _attestedItemHash(address obligor, address creditor, ReceivableInput calldata item)
        private
        pure
        returns (bytes32)
    {
        return keccak256(
            abi.encode(
                ATTESTED_RECEIVABLE_TYPEHASH,
                obligor,
                creditor,
                item.amount,
                item.maturity,
                item.invoicesRoot,
                keccak256(abi.encodePacked(item.invoiceKeys))
            )
        );
    }

    function _create(
        uint256 id,
        address obligor,
        address creditor,
        ReceivableInput calldata item,
        Status status,
        uint256 latestMaturity
    ) private {
        if (item.amount == 0 || item.amount > type(uint80).max) revert ReceivableAmountOutOfRange(item.amount);
        if (item.maturity <= block.timestamp) revert ReceivableMaturityInPast(item.maturity, block.timestamp);
        if (item.maturity > latestMaturity) revert ReceivableTenorTooLong(item.maturity, latestMaturity);
        uint256 keyCount = item.invoiceKeys.length;
        if (keyCount == 0 || item.invoicesRoot == bytes32(0)) revert ReceivableNoInvoices();
        for (uint256 k = 0; k < keyCount; ++k) {
            bytes32 key = item.invoiceKeys[k];
            uint256 existing = _backingReceivable(key);
            if (existing != 0) revert ReceivableDuplicateInvoice(key, existing);
            _invoiceReceivable[key] = id;
        }
        _receivables[id] = Receivable({
            obligor: obligor,
            amount: uint80(item.amount),
            status: status,
            flags: 0,
            creditor: creditor,
            maturity: uint40(item.maturity),
            tier: 0,
            parentId: 0,
            invoicesRoot: item.invoicesRoot
        });
        _issueTo(creditor, id);
    }

    /// @dev Confirms each item's certificate after checking that it is Pending, owed by
    /// `obligor`, and has exactly the creditor, amount, maturity and invoice root confirmed.
    function _confirmAll(ConfirmItem[] calldata items, address obligor, uint256 opId) private {
        _requireNonEmpty(items.length);
        for (uint256 i = 0; i < items.length; ++i) {
            ConfirmItem calldata item = items[i];
            uint256 id = item.id;
            Receivable storage r = _pending(id);
            if (r.obligor != obligor) revert ReceivableNotObligor(id, obligor);
            if (
                r.creditor != item.creditor || r.amount != item.amount || r.maturity != item.maturity
                    || r.invoicesRoot != item.invoicesRoot
            ) revert ConfirmationMismatch(id);
            r.status = Status.Confirmed;
            emit ReceivableConfirmed(id, obligor, opId);
        }
    }

    /// @dev Records that certificate `id` (already Offered) waits for `to` until `expires`.
    function _offer(uint256 id, address from, address to, uint256 expires, uint256 opId) private {
        _offers[id] = Offer({to: to, expires: uint40(expires)});
        emit CertificateOffered(id, from, to, expires, opId);
    }

    function _offered(uint256 id) private view returns (Receivable storage r, Offer memory offer) {
        r = _existing(id);
        if (r.status != Status.Offered) revert ReceivableInvalidStatus(id, r.status, Status.Offered);
        offer = _offers[id];
    }

    function _requireNotDelinquent(address obligor) private view {
        uint256 count = _delinquencies[obligor];
        if (count != 0) revert ObligorDelinquent(obligor, count);
    }

    /// @dev The certificate `key` backs, or 0 if none. A key is released by rejecting or
    /// cancelling its Pending certificate, or by an issued certificate going Void: it still maps
    /// to that certificate, but a dead one no longer counts. Releasing lazily keeps those paths
    /// from having to know (or store) the keys. Any other status (Confirmed onwards, including
    /// Settled) keeps it forever.
    function _backingReceivable(bytes32 key) private view returns (uint256 id) {
        id = _invoiceReceivable[key];
        if (id != 0) {
            Status status = _receivables[id].status;
            if (status == Status.Rejected || status == Status.Cancelled || status == Status.Void) return 0;
        }
    }

    function _existing(uint256 id) internal view returns (Receivable storage r) {
        r = _receivables[id];
        if (r.status == Status.None) revert ReceivableNotFound(id);
    }

    function _pending(uint256 id) private view returns (Receivable storage r) {
        r = _existing(id);
        if (r.status != Status.Pending) revert ReceivableInvalidStatus(id, r.status, Status.Pending);
    }

    /// @dev A Confirmed certificate before maturity: the only kind that may be split, transferred
    /// or financed.
    function _transferable(uint256 id) internal view returns (Receivable storage r) {
        r = _existing(id);
        if (r.status != Status.Confirmed) revert ReceivableInvalidStatus(id, r.status, Status.Confirmed);
        if (block.timestamp >= r.maturity) revert ReceivableMatured(id, r.maturity);
    }

    /// @dev The id the next certificate created will get.
    function _nextId() internal view returns (uint256) {
        return _lastId + 1;
    }

    function _requireNonEmpty(uint256 length) internal pure {
        if (length == 0) revert LedgerEmptyBatch();
    }
}
