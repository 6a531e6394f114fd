// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IDocuments} from "../interfaces/IDocuments.sol";
import {DocumentRecord} from "../interfaces/LedgerTypes.sol";
import {ReceivableRegistry} from "../receivables/ReceivableRegistry.sol";
import {DocumentRecords} from "./DocumentRecords.sol";

/// @title Documents
/// @notice Fingerprints of signed documents, recorded as events by a certificate's parties. The
/// per-item checks run in the linked library DocumentRecords: inline they would take the ledger
/// over the 24,576-byte limit.
abstract contract Documents is ReceivableRegistry, IDocuments {
    /// @inheritdoc IDocuments
    function recordDocuments(DocumentRecord[] calldata items, uint256 opId) external whenNotPaused {
        _useOperation(opId);
        _requireNonEmpty(items.length);
        _requireActive(msg.sender);
        DocumentRecords.record(_receivables, msg.data);
    }
}
