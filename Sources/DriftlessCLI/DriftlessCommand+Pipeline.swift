import ArgumentParser
import Foundation

extension DriftlessCommand {
    /// Entry point that always runs commands on the asynchronous path.
    ///
    /// `main.swift`'s `await DriftlessCommand.main()` resolves to ArgumentParser's synchronous
    /// `ParsableCommand.main()` (the compiler warns "no 'async' operations occur within 'await'"),
    /// which in debug builds stops with "Asynchronous root command needs availability annotation"
    /// and never runs an async `run()` such as `driftless run`. A method on the type itself wins
    /// overload resolution over the protocol extensions: it starts the asynchronous entry point in a
    /// task and parks the main thread in `dispatchMain()` (so the main queue keeps working); the
    /// task exits the process. Remove this file once `main.swift` uses `@main` or otherwise reaches
    /// the async entry point.
    public static func main() {
        Task {
            await asyncMain()
            Foundation.exit(EXIT_SUCCESS)
        }
        dispatchMain()
    }

    /// What `AsyncParsableCommand.main()` does: parse, then run the command asynchronously.
    static func asyncMain() async {
        do {
            var command = try parseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
