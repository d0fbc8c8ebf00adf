import DriftlessTesting
import Foundation
import XCTest

@testable import Pipeline

/// `driftless simulate erp --oauth2-new-key-file` (what `scripts/run` starts): the simulator makes a
/// key pair, registers the client, writes the private key owner-only and never prints it; the
/// dispatch client configured the way `scripts/run` configures it gets tokens and writes.
final class SimulateERPOAuth2Tests: XCTestCase {
    func testTheSimulatorIssuesAClientWhosePrivateKeyOnlyGoesToTheFile() async throws {
        let files = try TemporaryFiles(prefix: "driftless-sim-erp")
        defer { files.remove() }
        let keyFile = files.directory.appendingPathComponent("erp-oauth2-key.pem").path
        let output = files.directory.appendingPathComponent("simulator.log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("driftless")
        process.arguments = [
            "simulate", "erp", "--port", "0", "--oauth2-client-id", "driftless-dev",
            "--oauth2-certificate-id", "dev-cert", "--oauth2-new-key-file", keyFile,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["DRIFTLESS_ERP_TOKEN"] = nil
        process.environment = environment
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // The simulator binds a port of its own choosing (--port 0) and prints it: no port handed over
        // between a probe and the child, so nothing can take it in between.
        let announced = await eventually(timeout: .seconds(30)) { Self.announcedPort(in: output) != nil }
        XCTAssertTrue(announced, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
        let port = try XCTUnwrap(Self.announcedPort(in: output))
        let baseURL = "http://127.0.0.1:\(port)"
        let up = await eventually(timeout: .seconds(30)) {
            guard FileManager.default.fileExists(atPath: keyFile) else { return false }
            return (try? await getText(baseURL + "/services/rest/record/v1/salesOrder"))?.status == 401
        }
        XCTAssertTrue(up, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "owner only")
        let key = try String(contentsOfFile: keyFile, encoding: .utf8)
        XCTAssertTrue(key.contains("PRIVATE KEY"))

        var configuration = PipelineConfiguration()
        try configuration.resolveERP(
            file: nil,
            environment: [
                "DRIFTLESS_ERP_URL": baseURL, "DRIFTLESS_ERP_AUTH": "oauth2",
                "DRIFTLESS_ERP_OAUTH2_CLIENT_ID": "driftless-dev", "DRIFTLESS_ERP_OAUTH2_CERTIFICATE_ID": "dev-cert",
                "DRIFTLESS_ERP_OAUTH2_PRIVATE_KEY_FILE": keyFile,
            ])
        let client = try ERPClient(configuration: try XCTUnwrap(configuration.erp))
        let written = await client.upsert(
            "salesOrder", externalId: "so-sim-1", body: Data(#"{"orderStatus": "B"}"#.utf8))
        guard case .done = written else { return XCTFail("\(written)") }

        process.terminate()
        let exited = await eventually(timeout: .seconds(60)) { !process.isRunning }
        XCTAssertTrue(exited, "the simulator stops on SIGTERM")
        let printed = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        XCTAssertTrue(printed.contains("OAuth 2.0 token endpoint"), printed)
        XCTAssertTrue(printed.contains("1 writes applied"), printed)
        XCTAssertFalse(printed.contains("PRIVATE KEY"), "the key is never printed")
        let body = key.split(separator: "\n").dropFirst().first.map(String.init) ?? "-"
        XCTAssertFalse(printed.contains(body))
    }

    /// The port in the simulator's "erp REST record API on http://127.0.0.1:PORT/…" line, once printed.
    private static func announcedPort(in output: URL) -> Int? {
        guard let text = try? String(contentsOf: output, encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("erp REST record API on ") }),
            let url = URL(string: String(line.dropFirst("erp REST record API on ".count).prefix { $0 != " " }))
        else { return nil }
        return url.port
    }
}
