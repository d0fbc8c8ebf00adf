import Foundation
import Kafka
import Synchronization
import XCTest

/// Deletes, when the test bundle finishes, every topic this process made on the independent broker
/// (their names all carry the process's run id, see ``TestBroker/uniqueName(_:)``), so a dev broker
/// that stays up does not collect the topics of every test run.
final class TopicSweeper: NSObject, XCTestObservation, Sendable {
    private static let registered = Mutex<Set<String>>([])

    private let bootstrapServers: String
    private let marker: String

    private init(bootstrapServers: String, marker: String) {
        self.bootstrapServers = bootstrapServers
        self.marker = marker
    }

    /// Registers one sweeper per broker for this process (idempotent).
    static func register(bootstrapServers: String, runID: String) {
        let first = registered.withLock { $0.insert(bootstrapServers).inserted }
        guard first else { return }
        let sweeper = TopicSweeper(bootstrapServers: bootstrapServers, marker: "-\(runID)-")
        XCTestObservationCenter.shared.addTestObserver(sweeper)
    }

    func testBundleDidFinish(_ testBundle: Bundle) {
        let done = DispatchSemaphore(value: 0)
        let bootstrapServers = bootstrapServers
        let marker = marker
        Task {
            defer { done.signal() }
            do {
                let admin = try KafkaAdmin(config: KafkaConfig(bootstrapServers: bootstrapServers))
                let mine = try await admin.listTopics().map(\.name).filter { $0.contains(marker) }
                try await admin.deleteTopics(mine)
            } catch {
                print("test topics on \(bootstrapServers) not deleted: \(error)")
            }
        }
        // The bundle has finished; nothing else runs on this thread while the sweep is bounded by
        // the admin client's timeouts.
        done.wait()
    }
}
