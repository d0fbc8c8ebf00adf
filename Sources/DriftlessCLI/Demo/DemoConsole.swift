import DriftlessOperations
import Foundation
import Pipeline
import Simulators
import Synchronization

/// The demo's running output. On a terminal: a live view redrawn twice a second (phase, events per
/// stage, retries per tier, dead letters, lag, breaker, the ERP's answers) above which finished phases
/// stay listed. Otherwise (a pipe, a CI log): one line per phase and a progress line every 5 seconds.
final class DemoConsole: Sendable {
    private struct State {
        var phase = "starting"
        var done: [String] = []
        var drawnLines = 0
        var lastPlain = ContinuousClock.now
        /// Metrics of stages that already stopped (the first run, before the mapping fix).
        var base = DemoMetrics()
        var runtime: PipelineRuntime?
    }

    let interactive: Bool
    let output: @Sendable (String) -> Void
    private let state = Mutex(State())
    private let started = ContinuousClock.now
    private let erpBox = Mutex<ERPSimulator?>(nil)

    init(interactive: Bool, output: @escaping @Sendable (String) -> Void) {
        self.interactive = interactive
        self.output = output
    }

    /// The ERP simulator whose answers are shown.
    func watch(_ erp: ERPSimulator) {
        erpBox.withLock { $0 = erp }
    }

    private var erpAnswers: [Int: Int] { erpBox.withLock { $0 }?.statusCounts ?? [:] }

    /// Whether standard output is a terminal.
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// The runtime whose metrics are shown (nil while none runs).
    func attach(_ runtime: PipelineRuntime?) {
        state.withLock { $0.runtime = runtime }
    }

    /// Adds the final numbers of a runtime about to stop to the base.
    func retire(_ runtime: PipelineRuntime) {
        let last = DemoMetrics(exposition: runtime.metrics.exposition())
        state.withLock {
            $0.base = $0.base.merging(last)
            $0.runtime = nil
        }
    }

    /// Everything counted so far, across runs.
    var metrics: DemoMetrics {
        let (base, runtime) = state.withLock { ($0.base, $0.runtime) }
        guard let runtime else { return base }
        return base.merging(DemoMetrics(exposition: runtime.metrics.exposition()))
    }

    /// A new phase begins; `finished` describes the one that ended.
    func phase(_ name: String, finished: String? = nil) {
        let lines: [String] = state.withLock { state in
            if let finished { state.done.append(finished) }
            state.phase = name
            return interactive ? [] : (finished.map { ["  ✓ \($0)"] } ?? []) + ["demo: \(name) …"]
        }
        lines.forEach(output)
        if interactive { render() }
    }

    /// Redraws (terminal) or prints a progress line every 5 s (otherwise); call it often.
    func tick() {
        if interactive {
            render()
            return
        }
        let due = state.withLock { state -> Bool in
            guard ContinuousClock.now - state.lastPlain >= .seconds(5) else { return false }
            state.lastPlain = .now
            return true
        }
        if due { output("demo: \(DemoView.progressLine(metrics, erp: erpAnswers))") }
    }

    /// Ends the live view: the last frame stays.
    func finish(_ finished: String?) {
        state.withLock { state in
            if let finished { state.done.append(finished) }
            state.phase = "done"
        }
        if interactive {
            render()
        } else if let finished {
            output("  ✓ \(finished)")
        }
    }

    private func render() {
        let metrics = self.metrics
        let (phase, done, previous) = state.withLock { ($0.phase, $0.done, $0.drawnLines) }
        let elapsed = Double((ContinuousClock.now - started).components.seconds)
        var lines = done.map { "  ✓ \($0)" }
        if !lines.isEmpty { lines.append("") }
        lines += DemoView.frame(metrics, phase: phase, elapsed: elapsed, erp: erpAnswers)
        var text = previous > 0 ? "\u{1B}[\(previous)F\u{1B}[J" : ""
        text += lines.joined(separator: "\n")
        state.withLock { $0.drawnLines = lines.count }
        output(text)
    }
}
