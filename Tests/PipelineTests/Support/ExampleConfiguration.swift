import Foundation

/// `Deploy/driftless.yaml`, the example configuration file, found from this source file by walking up
/// to the repository root (the folder holding `Package.swift`), so a test file can move between
/// folders without counting `..`s.
enum ExampleConfiguration {
    /// The repository root.
    static let repositoryRoot: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/",
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path)
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory
    }()

    /// The example file's URL.
    static var url: URL { repositoryRoot.appendingPathComponent("Deploy/driftless.yaml") }
}
