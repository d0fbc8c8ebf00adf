import Foundation
import Synchronization

/// The process's ``LagVerdictMachine``, fed by the metrics sampler and read by `/metrics`
/// (`driftless_consumer_group_verdict`) and the operations console.
public final class LagVerdictBoard: Sendable {
    private let machine: Mutex<LagVerdictMachine>

    /// A board judging over the latest `windowSize` samples.
    public init(windowSize: Int = 10) {
        machine = Mutex(LagVerdictMachine(windowSize: windowSize))
    }

    /// Feeds one lag report (every group in it) sampled at `time`; the verdict changes.
    public func record(_ report: LagReport, at time: Date, members: [String: Int] = [:]) -> [LagVerdictMachine.Action] {
        let samples = LagSample.samples(report, at: time, members: members)
        return machine.withLock { machine in
            samples.keys.sorted().flatMap {
                machine.record(group: $0, samples[$0] ?? LagSample(time: time, partitions: []))
            }
        }
    }

    /// Every group's current evaluation and how many samples it rests on.
    public var current: [(group: String, evaluation: LagEvaluation, samples: Int)] {
        machine.withLock { machine in
            machine.current.sorted { $0.key < $1.key }.map { ($0.key, $0.value, machine.samples(of: $0.key)) }
        }
    }
}
