// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IDocuments} from "../interfaces/IDocuments.sol";
import {IReceivableRegistry} from "../interfaces/IReceivableRegistry.sol";
import {
    Status,
    Receivable,
    DocumentRecord,
    DOCUMENT_CERTIFICATE,
    DOCUMENT_NOTICE,
    FLAG_TRANSFERRED
} from "../interfaces/LedgerTypes.sol";

/// @title DocumentRecords
/// @notice The checks and events behind IDocuments.recordDocuments. A linked library, as Recovery
/// is: the ledger delegates to it, so it reads the ledger's own storage and its events and errors
/// are the ledger's, while its code stays out of the ledger's bytecode (EIP-170's 24,576 bytes).
library DocumentRecords {
    /// @notice See IDocuments.recordDocuments; the ledger has checked the operation id, the batch
    /// and that the caller is active.
    /// @param call the ledger's own calldata of `recordDocuments(items, opId)`: passing it whole
    /// keeps the ABI encoding of the items, about 70 bytes, out of the ledger.
    function record(mapping(uint256 => Receivable) storage receivables, bytes calldata call) external {
        (DocumentRecord[] memory items, uint256 opId) = abi.decode(call[4:], (DocumentRecord[], uint256));
        for (uint256 i = 0; i < items.length; ++i) {
            DocumentRecord memory item = items[i];
            uint256 id = item.id;
            uint8 kind = item.kind;
            if (kind != DOCUMENT_CERTIFICATE && kind != DOCUMENT_NOTICE) {
                revert IDocuments.DocumentInvalidKind(id, kind);
            }
            if (item.fingerprint == bytes32(0)) revert IDocuments.DocumentEmptyFingerprint(id);
            Receivable storage r = receivables[id];
            Status status = r.status;
            if (status == Status.None) revert IReceivableRegistry.ReceivableNotFound(id);
            // never confirmed nor signed for (an issued certificate refused is Void): no document exists
            if (
                status == Status.Pending || status == Status.Rejected || status == Status.Cancelled
                    || status == Status.Void
            ) revert IReceivableRegistry.ReceivableInvalidStatus(id, status, Status.Confirmed);
            if (msg.sender != r.obligor && (kind == DOCUMENT_NOTICE || msg.sender != _holderOf(r, id))) {
                revert IDocuments.DocumentNotParty(id, msg.sender);
            }
            emit IDocuments.DocumentRecorded(id, item.fingerprint, msg.sender, kind, opId);
        }
    }

    /// @dev The holder as the ledger's `_ownerOf` has it: the creditor until the first transfer,
    /// then ERC721's stored owner, which only the ledger's own code can read.
    function _holderOf(Receivable storage r, uint256 id) private view returns (address) {
        if (r.flags & FLAG_TRANSFERRED == 0) return r.creditor;
        return IERC721(address(this)).ownerOf(id);
    }
}
