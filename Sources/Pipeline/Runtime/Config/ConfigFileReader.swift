import Foundation
import Yams

/// Reads a configuration file and decodes it, with the errors every section reports: the file
/// unreadable, or its YAML not what the type expects (described without the offending line, which may
/// hold an inline secret).
enum ConfigFileReader {
    /// `file` decoded as `type`, and the text it was decoded from.
    static func decode<T: Decodable>(_ type: T.Type, from file: String) throws -> (value: T, text: String) {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw PipelineConfigurationError.unreadable(path: file, reason: error.localizedDescription)
        }
        do {
            return (try YAMLDecoder().decode(T.self, from: text), text)
        } catch {
            throw PipelineConfigurationError.invalidFile(path: file, reason: ConfigFileErrorText.describe(error))
        }
    }
}
