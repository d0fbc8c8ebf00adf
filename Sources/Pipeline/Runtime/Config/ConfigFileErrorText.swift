import Yams

/// Describes why a YAML config file could not be read **without echoing any of its text**: a line
/// of the file may hold an inline secret, and Yams' own descriptions quote the offending line.
/// Only positions (line, column, key path) and the parser's problem statement are kept.
enum ConfigFileErrorText {
    static func describe(_ error: any Error) -> String {
        if let yaml = error as? YamlError { return describe(yaml) }
        if let decoding = error as? DecodingError { return describe(decoding) }
        return "not a valid configuration document"
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "YAML syntax error at line \(mark.line), column \(mark.column): \(problem)"
        case let .reader(problem, offset, _, _):
            return "YAML reader error at offset \(offset.map(String.init) ?? "?"): \(problem)"
        default:
            return "not valid YAML"
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .typeMismatch(type, context):
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case let .valueNotFound(type, context):
            return "\(path(context.codingPath)): expected \(typeName(type)), found nothing"
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath + [key])): missing"
        case let .dataCorrupted(context):
            if let underlying = context.underlyingError { return describe(underlying) }
            return "\(path(context.codingPath)): invalid value"
        @unknown default:
            return "not a valid configuration document"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return text.isEmpty ? "document" : text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int32.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        default: "a \(type)"
        }
    }
}
