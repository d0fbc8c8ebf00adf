import Foundation

/// A fresh directory under the system temporary directory for a test's files; ``remove()`` deletes
/// it (call it from `tearDown` or a `defer`).
public struct TemporaryFiles: Sendable {
    /// The directory.
    public let directory: URL

    /// Creates `<tmp>/<prefix>-<UUID>`.
    public init(prefix: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The URL of `name` in the directory (not created).
    public func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// Writes `text` to `name` in the directory (creating the folders `name` names) and returns its path.
    @discardableResult
    public func write(_ text: String, _ name: String) throws -> String {
        let file = url(name)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// Deletes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
