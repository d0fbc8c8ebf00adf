/// How one assigned partition's messages flow into the consumer's buffer, one value instead of loose
/// flags, and the one place (``handle(_:)``) that decides what the poll thread does about it.
///
/// Back-pressure (``heldBack``) is the poll thread's own: the partition is only not read, never paused
/// in librdkafka (that would discard what was prefetched). A pause (``paused(until:heldBack:)``) is the
/// application's (`pause(topic:partition:until:)`, or `pause(redeliveringFrom:until:)` after a rewind):
/// paused in librdkafka too, and not read until resumed — by the application, or when `until` is due.
enum PartitionFlow: Equatable {
    /// Read while it has room in its share of the buffer.
    case flowing
    /// Holds its share of the buffer: not read until down to half of it.
    case heldBack
    /// Paused by the application, until `until` (nil: until resumed). `heldBack` is the back-pressure
    /// state it had when paused, which it returns to when resumed.
    case paused(until: ContinuousClock.Instant?, heldBack: Bool)

    /// What happened to the partition.
    enum Event {
        /// The poll thread plans its reads: the partition has `buffered` messages in the buffer, of a
        /// fair share of `share`.
        case planningRead(buffered: Int, share: Int)
        /// The application pauses it (again: only the deadline changes).
        case pause(until: ContinuousClock.Instant?)
        /// Its deliveries from a message on were forgotten, to be delivered again; it is paused.
        case rewind(until: ContinuousClock.Instant?)
        /// The application resumes it.
        case resume
        /// The time is `now`: a pause due by then ends.
        case clock(now: ContinuousClock.Instant)
    }

    /// What the poll thread does about the partition.
    enum Action: Equatable {
        /// Nothing (for `planningRead`: it is paused, its fetch queue is not read).
        case none
        /// Read its fetch queue, within its share and the buffer's free space.
        case read
        /// Do not read it; `newly` when it has just filled its share (one back-pressure pause).
        case hold(newly: Bool)
        /// Pause it in librdkafka.
        case pause
        /// Pause it in librdkafka, drop what is buffered from the rewind offset on and seek there.
        case pauseAndRewind
        /// Resume it in librdkafka (and seek to where delivery continues).
        case resume
    }

    /// The next state for `event`, and what to do.
    mutating func handle(_ event: Event) -> Action {
        switch (self, event) {
        case (.paused, .planningRead):
            return .none
        case (.flowing, .planningRead(let buffered, let share)):
            guard buffered >= share else { return .read }
            self = .heldBack
            return .hold(newly: true)
        case (.heldBack, .planningRead(let buffered, let share)):
            // Hysteresis: read again only once down to half the share.
            guard buffered <= share / 2 else { return .hold(newly: false) }
            self = .flowing
            return .read

        case (.flowing, .pause(let until)), (.heldBack, .pause(let until)):
            self = .paused(until: until, heldBack: self == .heldBack)
            return .pause
        case (.paused(_, let heldBack), .pause(let until)):
            self = .paused(until: until, heldBack: heldBack)
            return .none

        case (.flowing, .rewind(let until)), (.heldBack, .rewind(let until)):
            self = .paused(until: until, heldBack: self == .heldBack)
            return .pauseAndRewind
        case (.paused(_, let heldBack), .rewind(let until)):
            // A rewind pauses in librdkafka whether or not the partition was paused already.
            self = .paused(until: until, heldBack: heldBack)
            return .pauseAndRewind

        case (.paused(_, let heldBack), .resume):
            self = heldBack ? .heldBack : .flowing
            return .resume
        case (.flowing, .resume), (.heldBack, .resume):
            return .none

        case (.paused(let until?, let heldBack), .clock(let now)) where until <= now:
            self = heldBack ? .heldBack : .flowing
            return .resume
        case (_, .clock):
            return .none
        }
    }

    /// When a pause is due to end.
    var resumeAt: ContinuousClock.Instant? {
        if case .paused(let until, _) = self { return until }
        return nil
    }
}
