import Pipeline

/// Replay progress: a bar redrawn in place on a terminal, one plain line per case otherwise.
struct ReplayProgress: Sendable {
    let tty: Bool
    let write: @Sendable (String) -> Void

    func update(done: Int, total: Int, id: Int64, result: ReplaySummary.Result) {
        let text: String
        switch result {
        case .replayed(let topic): text = "replayed → \(topic)"
        case .wouldReplay(let topic): text = "would replay → \(topic)"
        case .skipped(let state): text = "skipped (\(state))"
        case .resolvedInSync: text = "in sync again → resolved"
        case .failed(let why): text = "FAILED: \(why)"
        }
        guard tty else {
            write("case \(id): \(text)\n")
            return
        }
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        write("\r[\(bar)] \(done)/\(total)  case \(id): \(text)\u{1B}[K" + (done == total ? "\n" : ""))
    }
}
