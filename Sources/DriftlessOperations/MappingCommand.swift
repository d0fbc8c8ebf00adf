import ArgumentParser
import Foundation
import OrderModel
import Pipeline

/// `driftless mapping check|show|diff`: validate, document and compare mapping matrix files.
package struct MappingCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "mapping",
        abstract: "Check, document and compare status mapping matrices.",
        subcommands: [MappingCheck.self, MappingShow.self, MappingDiffCommand.self]
    )

    /// A command with its defaults (ArgumentParser fills in what is given).
    package init() {}
}

/// What a mapping verb produced: text for stdout and stderr, and the exit code.
struct MappingOutput: Error, Equatable {
    var stdout = ""
    var stderr = ""
    var exitCode: Int32 = 0

    /// Prints and exits non-zero when needed.
    func emit() throws {
        if !stdout.isEmpty { print(stdout, terminator: stdout.hasSuffix("\n") ? "" : "\n") }
        if !stderr.isEmpty {
            FileHandle.standardError.write(Data((stderr.hasSuffix("\n") ? stderr : stderr + "\n").utf8))
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }
}

/// Reading files for the mapping verbs (the domain module itself does no I/O).
enum MappingFiles {
    /// Upper bound on a mapping file and on each replayed payload.
    static let maxFileBytes = 8 << 20
    /// Upper bound on the number of payloads a diff replays.
    static let maxPayloads = 100_000

    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String) throws(ReadError) -> Data {
        let url = URL(fileURLWithPath: path)
        let size: Int
        do {
            size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        } catch {
            throw ReadError(description: "\(path): cannot read: \(error.localizedDescription)")
        }
        guard size <= maxFileBytes else { throw ReadError(description: "\(path): too large (\(size) bytes)") }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ReadError(description: "\(path): cannot read: \(error.localizedDescription)")
        }
    }

    static func loadMatrix(_ path: String) -> Result<MappingMatrix, MappingOutput> {
        let data: Data
        do {
            data = try read(path)
        } catch {
            return .failure(MappingOutput(stderr: error.description, exitCode: 2))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(MappingOutput(stderr: "\(path): not UTF-8 text", exitCode: 2))
        }
        do throws(MappingLoadError) {
            return .success(try MappingMatrix.load(yaml: text, fileName: path))
        } catch {
            let count = error.issues.count
            return .failure(
                MappingOutput(
                    stderr: error.description + "\n\(path): \(count) problem\(count == 1 ? "" : "s")", exitCode: 1))
        }
    }

    /// `*.json` files under `directory` (recursively), sorted by path.
    static func payloads(in directory: String) throws(ReadError) -> [PayloadReplay.Payload] {
        let root = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReadError(description: "\(directory): not a directory")
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw ReadError(description: "\(directory): cannot list")
        }
        var paths: [String] = []
        for case let url as URL in walker where url.pathExtension.lowercased() == "json" {
            paths.append(url.path)
            if paths.count > maxPayloads {
                throw ReadError(description: "\(directory): more than \(maxPayloads) payloads")
            }
        }
        var out: [PayloadReplay.Payload] = []
        for path in paths.sorted() {
            let name = path.hasPrefix(root.path + "/") ? String(path.dropFirst(root.path.count + 1)) : path
            out.append(PayloadReplay.Payload(name: name, bytes: Array(try read(path))))
        }
        return out
    }
}

/// `driftless mapping check FILE`.
struct MappingCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate a mapping file; exits non-zero with file:line:column errors.")

    @Argument(help: "The mapping YAML file.") var file: String
    @Option(
        help: """
            A directory of recorded order payloads (Shopify order bodies, Amazon orders carrying OrderItems, \
            getOrderItems answers) whose SKUs `content.items` must map; other files are listed as unreadable.
            """)
    var payloads: String?
    @Option(
        help: """
            A Driftless configuration file with an `erp:` section: with `content.item_lookup: suiteql`, \
            SKUs of the payloads missing from `content.items` are looked up in the ERP (SuiteQL).
            """)
    var config: String?

    /// The check without the ERP.
    func execute() -> MappingOutput {
        switch MappingFiles.loadMatrix(file) {
        case .failure(let output): return output
        case .success(let matrix):
            let output = header(matrix)
            guard let payloads else { return output }
            return MappingSKUCheck.check(matrix, payloads: payloads, onto: output)
        }
    }

    /// The check; SKUs missing from `content.items` asked of the ERP `erp` is configured with.
    func execute(erp: ERPConfiguration?) async -> MappingOutput {
        switch MappingFiles.loadMatrix(file) {
        case .failure(let output): return output
        case .success(let matrix):
            let output = header(matrix)
            guard let payloads else { return output }
            guard var erp, matrix.content.looksUpItems else {
                return MappingSKUCheck.check(matrix, payloads: payloads, onto: output)
            }
            erp.content = matrix.content  // the mapping being checked, not the one the ERP section names
            let client: ERPClient
            do {
                client = try ERPClient(configuration: erp)
            } catch {
                return MappingOutput(stdout: output.stdout, stderr: "erp: \(error)", exitCode: 2)
            }
            let reader = ERPViewReader(sync: ERPSync(client: client), stats: ReconcileAPIStats(), maxAttempts: 3)
            return await MappingSKUCheck.check(matrix, payloads: payloads, onto: output, erp: reader)
        }
    }

    private func header(_ matrix: MappingMatrix) -> MappingOutput {
        let values = MappingField.all.reduce(0) { $0 + matrix.table($1).entries.count }
        return MappingOutput(
            stdout: "\(file): OK (version \(matrix.version), \(values) values, "
                + "\(matrix.erpTargets.count) canonical states, \(matrix.content.items.count) SKUs)")
    }

    package func run() async throws {
        var erp: ERPConfiguration?
        if let config {
            do {
                erp = try PipelineConfiguration.load(file: config).erp
            } catch let error as PipelineConfigurationError {
                throw ValidationError(error.description)
            }
        }
        try await execute(erp: erp).emit()
    }
}

/// `driftless mapping show [FILE]`.
struct MappingShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the mapping as Markdown (the canonical state documentation).")

    @Argument(help: "The mapping YAML file; the bundled default when omitted.") var file: String?

    func execute() -> MappingOutput {
        let matrix: MappingMatrix
        if let file {
            switch MappingFiles.loadMatrix(file) {
            case .failure(let output): return output
            case .success(let m): matrix = m
            }
        } else {
            do {
                matrix = try MappingMatrix.default
            } catch {
                return MappingOutput(stderr: error.description, exitCode: 1)
            }
        }
        return MappingOutput(stdout: MappingDocumentation.markdown(matrix))
    }

    func run() throws { try execute().emit() }
}

/// `driftless mapping diff OLD NEW [--payloads DIR]`.
struct MappingDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between two mapping files and which recorded payloads translate differently.")

    @Argument(help: "The current mapping file.") var old: String
    @Argument(help: "The proposed mapping file.") var new: String
    @Option(help: "A directory of recorded Shopify/Amazon/NetSuite-style JSON payloads to replay through both.")
    var payloads: String?
    @Flag(help: "Exit with status 3 when any payload translates differently or any of its SKUs maps differently.")
    var failOnChange = false

    func execute() -> MappingOutput {
        let oldMatrix: MappingMatrix
        let newMatrix: MappingMatrix
        switch (MappingFiles.loadMatrix(old), MappingFiles.loadMatrix(new)) {
        case (.success(let a), .success(let b)):
            oldMatrix = a
            newMatrix = b
        case (.failure(let e), _), (_, .failure(let e)):
            return e
        }
        var out = MappingDiff(old: oldMatrix, new: newMatrix).text
        guard let payloads else { return MappingOutput(stdout: out) }
        let recorded: [PayloadReplay.Payload]
        do {
            recorded = try MappingFiles.payloads(in: payloads)
        } catch {
            return MappingOutput(stdout: out, stderr: error.description, exitCode: 2)
        }
        let report = PayloadReplay.compare(old: oldMatrix, new: newMatrix, payloads: recorded)
        out += "\npayloads: \(report.checked) checked, \(report.differences.count) translate differently"
        out += report.unreadable.isEmpty ? "\n" : ", \(report.unreadable.count) not an order payload\n"
        for difference in report.differences { out += "  \(difference)\n" }
        for name in report.unreadable { out += "  ? \(name)\n" }
        let content = MappingDiff.contentEffects(old: oldMatrix.content, new: newMatrix.content, payloads: recorded)
        out += "content: \(content.count) SKUs of recorded orders map differently\n"
        for effect in content { out += "  \(effect)\n" }
        let changed = !report.differences.isEmpty || !content.isEmpty
        return MappingOutput(stdout: out, exitCode: failOnChange && changed ? 3 : 0)
    }

    func run() throws { try execute().emit() }
}
