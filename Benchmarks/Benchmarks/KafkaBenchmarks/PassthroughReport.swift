import Foundation

/// The figures of one passthrough run, as benchmark metrics and as a printed summary.
struct PassthroughReport: Sendable {
    let broker: String
    let settings: PassthroughSettings
    let cProduce: PhaseTiming
    let swiftProduce: PhaseTiming
    let cPassthrough: PhaseTiming
    let swiftPassthrough: PhaseTiming
    let swiftOverlapped: PhaseTiming

    /// Names of the custom metrics, in display order.
    static let metricNames = [
        "c produce msgs/s", "swift produce msgs/s", "swift/c produce ‰",
        "c passthrough msgs/s", "swift passthrough msgs/s", "swift/c passthrough ‰",
        "swift overlapped msgs/s", "swift/c overlapped ‰",
        "c produce cpu ns/msg", "swift produce cpu ns/msg",
        "c passthrough cpu ns/msg", "swift passthrough cpu ns/msg", "swift overlapped cpu ns/msg",
    ]

    private func ratio(_ swift: PhaseTiming, _ c: PhaseTiming) -> Double {
        c.perSecond > 0 ? swift.perSecond / c.perSecond : 0
    }

    var metricValues: [(String, Int)] {
        [
            ("c produce msgs/s", Int(cProduce.perSecond)),
            ("swift produce msgs/s", Int(swiftProduce.perSecond)),
            ("swift/c produce ‰", Int(ratio(swiftProduce, cProduce) * 1000)),
            ("c passthrough msgs/s", Int(cPassthrough.perSecond)),
            ("swift passthrough msgs/s", Int(swiftPassthrough.perSecond)),
            ("swift/c passthrough ‰", Int(ratio(swiftPassthrough, cPassthrough) * 1000)),
            ("swift overlapped msgs/s", Int(swiftOverlapped.perSecond)),
            ("swift/c overlapped ‰", Int(ratio(swiftOverlapped, cPassthrough) * 1000)),
            ("c produce cpu ns/msg", Int(cProduce.cpuMicrosecondsPerMessage * 1000)),
            ("swift produce cpu ns/msg", Int(swiftProduce.cpuMicrosecondsPerMessage * 1000)),
            ("c passthrough cpu ns/msg", Int(cPassthrough.cpuMicrosecondsPerMessage * 1000)),
            ("swift passthrough cpu ns/msg", Int(swiftPassthrough.cpuMicrosecondsPerMessage * 1000)),
            ("swift overlapped cpu ns/msg", Int(swiftOverlapped.cpuMicrosecondsPerMessage * 1000)),
        ]
    }

    var summary: String {
        func line(_ name: String, _ timing: PhaseTiming) -> String {
            let label = "  " + name.padding(toLength: 26, withPad: " ", startingAt: 0)
            return label
                + String(
                    format: "%8d msgs in %6.2f s = %9.0f msgs/s, cpu %5.2f µs/msg",
                    timing.messages, timing.seconds, timing.perSecond, timing.cpuMicrosecondsPerMessage
                )
        }
        return [
            "Kafka passthrough benchmark — \(broker)",
            "  \(settings.messages) messages × \(settings.valueBytes) B, \(settings.partitions) partitions, keys order-N, Swift batch \(settings.batchSize), buffer \(settings.bufferCapacity)",
            line("C produce", cProduce),
            line("Swift produce", swiftProduce),
            line("C passthrough", cPassthrough),
            line("Swift passthrough", swiftPassthrough),
            line("Swift overlapped (\(settings.batchesInFlight))", swiftOverlapped),
            String(
                format:
                    "  Swift/C: produce %.2fx, passthrough %.2fx (send per batch), %.2fx (enqueue, overlapped) — target ≥ 0.80x",
                ratio(swiftProduce, cProduce), ratio(swiftPassthrough, cPassthrough),
                ratio(swiftOverlapped, cPassthrough)
            ),
        ].joined(separator: "\n")
    }

    func printSummary() {
        FileHandle.standardError.write(Data((summary + "\n").utf8))
    }
}
