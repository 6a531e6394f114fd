// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

import {IOperationGuard} from "../interfaces/IOperationGuard.sol";

/// @notice Records operation ids per submitter in bitmaps of 256, so consecutive ids (as the
/// platform allocates them) cost one fresh storage slot per 256 operations.
abstract contract OperationGuard is IOperationGuard {
    mapping(address submitter => mapping(uint256 wordPos => uint256 bits)) private _operations;

    /// @inheritdoc IOperationGuard
    function operationExecuted(address submitter, uint256 opId) external view returns (bool) {
        return _operations[submitter][opId >> 8] & (1 << (opId & 0xff)) != 0;
    }

    /// @dev Marks `opId` as executed by `msg.sender`; reverts if it already was.
    function _useOperation(uint256 opId) internal {
        mapping(uint256 => uint256) storage words = _operations[msg.sender];
        uint256 bit = 1 << (opId & 0xff);
        uint256 word = words[opId >> 8];
        if (word & bit != 0) revert OperationAlreadyExecuted(msg.sender, opId);
        words[opId >> 8] = word | bit;
    }
}
