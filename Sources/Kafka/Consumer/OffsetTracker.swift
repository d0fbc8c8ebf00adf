/// Per-partition bookkeeping for at-least-once consumption with out-of-order acknowledgements.
///
/// The consumer records every offset it hands to the application (``delivered(_:)``, ascending).
/// Acknowledgements may arrive in any order; the committable position (the offset to store, i.e.
/// "next to read") only advances past an offset once it and everything delivered before it has
/// been acknowledged. Offsets never delivered in between (compaction gaps, transaction markers)
/// do not block progress. Duplicate or unknown acknowledgements are ignored.
public struct OffsetTracker: Sendable, Hashable {
    /// Delivered offsets not yet passed by the committable position, ascending, from `head`.
    private var outstanding: [Int64] = []
    private var head = 0
    /// Acknowledged offsets that are still behind an unacknowledged one.
    private var acknowledgedAhead: Set<Int64> = []

    /// Highest offset delivered so far.
    public private(set) var highestDelivered: Int64?
    /// The offset to store/commit (everything below it is acknowledged), or `nil` before the first
    /// acknowledgement.
    public private(set) var committable: Int64?

    /// Creates an empty tracker.
    public init() {}

    /// Number of delivered offsets not yet acknowledged.
    public var unacknowledgedCount: Int { outstanding.count - head - acknowledgedAhead.count }

    /// Records that `offset` was handed to the application. Offsets at or below the highest
    /// delivered one are ignored (they are already tracked). Returns whether it was recorded.
    @discardableResult
    public mutating func delivered(_ offset: Int64) -> Bool {
        if let highestDelivered, offset <= highestDelivered { return false }
        if let committable, offset < committable { return false }
        outstanding.append(offset)
        highestDelivered = offset
        return true
    }

    /// Marks `offset` done. Returns the new committable offset when it advanced, else `nil`.
    @discardableResult
    public mutating func acknowledge(_ offset: Int64) -> Int64? {
        guard head < outstanding.count, offset >= outstanding[head] else { return nil }
        // In-order acknowledgement (the common case): no search.
        if offset == outstanding[head] { return advance(pastHead: true) }
        guard isOutstanding(offset) else { return nil }
        acknowledgedAhead.insert(offset)
        return nil
    }

    /// Forgets deliveries at or after `offset` (they will be delivered again after a seek back).
    /// Acknowledgements below it are kept. `offset` below the committable position is clamped.
    public mutating func rewind(to offset: Int64) {
        let floor = max(offset, committable ?? offset)
        outstanding = Array(outstanding[head...].filter { $0 < floor })
        head = 0
        acknowledgedAhead = acknowledgedAhead.filter { $0 < floor }
        if let last = outstanding.last {
            highestDelivered = last
        } else if let committable {
            highestDelivered = committable - 1
        } else {
            highestDelivered = nil
        }
    }

    /// Forgets everything (the partition was revoked).
    public mutating func reset() {
        self = OffsetTracker()
    }

    private func isOutstanding(_ offset: Int64) -> Bool {
        // Binary search in the ascending outstanding window.
        var low = head
        var high = outstanding.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if outstanding[middle] == offset { return true }
            if outstanding[middle] < offset { low = middle + 1 } else { high = middle - 1 }
        }
        return false
    }

    private mutating func advance(pastHead: Bool) -> Int64? {
        head += 1
        while head < outstanding.count, acknowledgedAhead.remove(outstanding[head]) != nil {
            head += 1
        }
        let next: Int64
        if head < outstanding.count {
            next = outstanding[head]
        } else {
            next = (highestDelivered ?? -1) + 1
        }
        // Compact the consumed prefix now and then so memory stays proportional to what is pending.
        if head > 1024, head * 2 > outstanding.count {
            outstanding.removeFirst(head)
            head = 0
        }
        committable = next
        return next
    }
}
