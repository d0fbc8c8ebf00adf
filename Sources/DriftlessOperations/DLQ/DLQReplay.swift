import ArgumentParser
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Pipeline

/// `driftless dlq replay [ID…] [filters] [--dry-run] [--rate N/s]`: re-enters cases at the stage
/// that failed (``CaseReplayer``), through the brokers and topic prefix `driftless run` uses.
struct DLQReplay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract:
            "Re-enter cases at the stage that failed (validate → ingest.raw, translate → validated, dispatch → canonical).",
        discussion: """
            Cases already replayed, resolved or discarded are skipped unless --force. With filters and no \
            --state, only open cases are selected. Brokers and topic prefix come from --config and the \
            DRIFTLESS_* environment like `driftless run` (--bootstrap and --topic-prefix override them). \
            A case is marked replayed only once the broker acknowledged its record; a record not \
            acknowledged within --send-timeout fails its case (left as it was) and the command exits 1.
            """)

    @Argument(help: "Case ids (or use filters).") var ids: [Int64] = []
    @OptionGroup var filters: CaseFilterOptions
    @Flag(help: "Show what would be replayed; produce and mark nothing.") var dryRun = false
    @Option(help: "At most this many records per second, e.g. 5/s.") var rate: String?
    @Flag(help: "Replay cases also when already replayed, resolved or discarded.") var force = false
    @Option(help: "Who replays (default: $USER).") var who: String?
    @Option(help: "Why the cases are replayed (kept in each case's history).") var note: String?
    @Option(help: "Fail a record the broker has not acknowledged within this long, e.g. 10s, 1m (at most 5m).")
    var sendTimeout: String = "10s"
    @Option(help: "YAML configuration file (as for `driftless run`).") var config: String?
    @Option(help: "Kafka bootstrap servers (overrides the configuration).") var bootstrap: String?
    @Option(help: "Topic prefix (overrides the configuration).") var topicPrefix: String?
    @OptionGroup var ledger: LedgerURLOption

    /// `N/s` or `N` → records per second.
    static func parseRate(_ text: String) throws -> Double {
        let trimmed = text.hasSuffix("/s") ? String(text.dropLast(2)) : text
        guard let value = Double(trimmed.trimmingCharacters(in: .whitespaces)), value > 0, value.isFinite else {
            throw ValidationError("--rate must look like 5/s (records per second), not '\(text)'")
        }
        return value
    }

    /// The longest --send-timeout (librdkafka's own default delivery timeout is 300 s).
    static let maximumSendTimeout: TimeInterval = 300

    /// --send-timeout in milliseconds (the replay producer's `message.timeout.ms`).
    static func parseSendTimeout(_ text: String) throws -> Int {
        do {
            return Int(try LedgerTimeSpec.duration(text, maximum: maximumSendTimeout) * 1000)
        } catch let error as LedgerError {
            throw ValidationError("--send-timeout: \(error.description)")
        }
    }

    func validate() throws {
        if let rate { _ = try Self.parseRate(rate) }
        _ = try Self.parseSendTimeout(sendTimeout)
        guard !ids.isEmpty || !filters.isEmpty else {
            throw ValidationError("give case ids or filters (e.g. --state open, --reason-code unmapped-status)")
        }
    }

    /// Replays and returns the summary line; `progress` gets one line per case (or a bar on a TTY).
    func execute(now: Date = Date(), progress: @escaping @Sendable (String) -> Void) async throws -> String {
        try await replay(now: now, progress: progress).line
    }

    /// Replays; the summary line and how many cases failed.
    func replay(now: Date = Date(), progress: @escaping @Sendable (String) -> Void) async throws
        -> (line: String, failed: Int)
    {
        try validate()
        var configuration: PipelineConfiguration
        do {
            configuration = try PipelineConfiguration.load(file: config)
        } catch let error as PipelineConfigurationError {
            throw ValidationError(error.description)
        }
        if let bootstrap { configuration.bootstrapServers = bootstrap }
        if let topicPrefix { configuration.topicPrefix = topicPrefix }
        let query = try filters.query(ids: ids, defaultStates: ids.isEmpty && !force ? [.open] : [], now: now)
        configuration.kafkaProperties["message.timeout.ms"] = String(try Self.parseSendTimeout(sendTimeout))
        var logger = Logger(label: "driftless.dlq")
        logger.logLevel = .warning
        let assembly = try Assembly.forCommand(configuration, logger: logger)
        var producer: KafkaProducer?
        if !dryRun {
            guard let servers = configuration.bootstrapServers else {
                throw ValidationError(
                    "replay needs the brokers the pipeline uses: DRIFTLESS_KAFKA_BOOTSTRAP, kafka.bootstrapServers in --config, or --bootstrap"
                )
            }
            producer = try assembly.producer(bootstrapServers: servers)
        }
        let store = try await ledger.openCases(readOnly: dryRun)
        let selected: [DeadLetterCase]
        do {
            selected = try await store.cases(query)
            if !ids.isEmpty, let missing = Set(ids).subtracting(selected.map(\.id)).sorted().first {
                throw ValidationError("no case \(missing)")
            }
        } catch {
            await store.close()
            await producer?.close()
            throw error
        }
        let replayer = CaseReplayer(
            cases: store, ledger: store, sink: producer, topics: PipelineTopics(prefix: configuration.topicPrefix),
            actor: operatorName(who), reason: note, force: force, rate: try rate.map(Self.parseRate),
            reconcile: try ReconcileCaseCheck.forReplay(assembly, needed: selected))
        let bar = ReplayProgress(tty: isatty(STDOUT_FILENO) == 1, write: progress)
        let summary = await replayer.replay(selected) { done, total, id, result in
            bar.update(done: done, total: total, id: id, result: result)
        }
        await producer?.close()
        await store.close()
        return ("\(selected.count) case\(selected.count == 1 ? "" : "s") selected: \(summary.line)", summary.failed)
    }

    func run() async throws {
        let summary = try await replay { line in
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        print(summary.line)
        if summary.failed > 0 { throw ExitCode.failure }
    }
}
