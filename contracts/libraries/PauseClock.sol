// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

/// @title Pause clock
/// @notice Measures time with paused intervals left out, so that nothing becomes overdue or
/// defaults because the ledger was paused.
library PauseClock {
    struct Interval {
        uint40 start;
        uint40 end; // when the pause ends (or is due to end: a pause expires unless extended)
        uint176 pausedBefore; // total paused seconds before `start`
    }

    struct Clock {
        Interval[] intervals;
    }

    /// @notice A pause from now until `end` (set again by `unpause` or `extend`).
    function pause(Clock storage clock, uint256 end) internal {
        uint256 n = clock.intervals.length;
        uint256 pausedBefore = n == 0 ? 0 : _pausedUntil(clock, block.timestamp);
        clock.intervals.push(Interval(uint40(block.timestamp), uint40(end), uint176(pausedBefore)));
    }

    /// @notice The current pause ends now.
    function unpause(Clock storage clock) internal {
        clock.intervals[clock.intervals.length - 1].end = uint40(block.timestamp);
    }

    /// @notice The current pause ends at `end` instead.
    function extend(Clock storage clock, uint256 end) internal {
        clock.intervals[clock.intervals.length - 1].end = uint40(end);
    }

    /// @notice Unpaused seconds in [from, now]; 0 if `from` is in the future.
    function activeSince(Clock storage clock, uint256 from) internal view returns (uint256) {
        if (from >= block.timestamp) return 0;
        return (block.timestamp - from) - (_pausedUntil(clock, block.timestamp) - _pausedUntil(clock, from));
    }

    /// @dev Total paused seconds in [0, t] for t <= now: binary search for the last interval
    /// starting at or before t.
    function _pausedUntil(Clock storage clock, uint256 t) private view returns (uint256) {
        Interval[] storage list = clock.intervals;
        uint256 low = 0;
        uint256 high = list.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (list[mid].start <= t) low = mid + 1;
            else high = mid;
        }
        if (low == 0) return 0;
        Interval memory last = list[low - 1];
        return last.pausedBefore + ((t < last.end ? t : last.end) - last.start);
    }
}
