import ArgumentParser
import DriftlessOperations
import Foundation
import Simulators

extension SimulateCommand {
    /// Serves a NetSuite-style REST record API (sales orders and related records) until interrupted.
    struct ERP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erp",
            abstract: "Serve a NetSuite-style ERP (REST record API) with optional faults.",
            discussion: """
                Clients authenticate with `Authorization: Bearer <token>` (the token from \
                DRIFTLESS_ERP_TOKEN or --secret-file), with OAuth 2.0 tokens from \
                /services/rest/auth/oauth2/v1/token for the client registered with --oauth2-client-id, \
                --oauth2-certificate-id and --oauth2-public-key-file (EC P-256 PEM, ES256 assertions) — or \
                --oauth2-new-key-file FILE: a key pair made at start, its private key written to FILE (mode \
                0600, never printed) for the client's DRIFTLESS_ERP_OAUTH2_PRIVATE_KEY_FILE —, and/or \
                with TBA for --tba-account-id/--tba-consumer-key/--tba-token-id (secrets from \
                DRIFTLESS_ERP_TBA_CONSUMER_SECRET and DRIFTLESS_ERP_TBA_TOKEN_SECRET). The static token is \
                required unless OAuth 2.0 or TBA is set. Records live in memory until the simulator stops.
                """)

        @Option(help: "Port (0: any).")
        var port = 0
        @Option(help: "File holding the bearer token (default: $DRIFTLESS_ERP_TOKEN).")
        var secretFile: String?
        @Option(help: "Milliseconds added to every answer.")
        var latencyMs = 0
        @Option(help: "Fraction of requests answered 503.")
        var unavailable = 0.0
        @Option(help: "Fraction of requests answered 429 with Retry-After.")
        var throttled = 0.0
        @Option(help: "Retry-After seconds on a 429.")
        var retryAfter = 1
        @Option(help: "Requests handled at once; more get 429 (0: no limit).")
        var concurrencyLimit = 0
        @Option(help: "Seed of the fault draws.")
        var seed: UInt64 = 42
        @Option(help: "OAuth 2.0: the registered client id (JWT iss).")
        var oauth2ClientId: String?
        @Option(help: "OAuth 2.0: the certificate id (JWT kid).")
        var oauth2CertificateId: String?
        @Option(help: "OAuth 2.0: PEM file of the certificate's public key (EC P-256).")
        var oauth2PublicKeyFile: String?
        @Option(help: "OAuth 2.0: make a key pair and write its private key (PEM, mode 0600) to this file.")
        var oauth2NewKeyFile: String?
        @Option(help: "Seconds an issued OAuth 2.0 access token works.")
        var tokenLifetime = 3600.0
        @Option(help: "TBA: the account id (realm).")
        var tbaAccountId: String?
        @Option(help: "TBA: the consumer key.")
        var tbaConsumerKey: String?
        @Option(help: "TBA: the token id.")
        var tbaTokenId: String?

        func run() async throws {
            var credentials = try authentication()
            let wantsToken =
                secretFile != nil || ProcessInfo.processInfo.environment["DRIFTLESS_ERP_TOKEN"] != nil
                || (credentials.oauth2Clients.isEmpty && credentials.tba == nil)
            if wantsToken {
                credentials.staticToken = try readSecret(file: secretFile, variable: "DRIFTLESS_ERP_TOKEN")
            }
            let faults = ERPFaults(seed: seed)
            faults.update { settings in
                settings.latency = .milliseconds(max(0, latencyMs))
                settings.unavailableRatio = min(1, max(0, unavailable))
                settings.throttledRatio = min(1, max(0, throttled))
                settings.retryAfterSeconds = max(0, retryAfter)
                settings.concurrencyLimit = max(0, concurrencyLimit)
            }
            let simulator = try await ERPSimulator.start(faults: faults, credentials: credentials, port: port)
            // Where it listens is written at once (not through print's buffer), also when stdout is a
            // file or a pipe: with --port 0 it is the only way to learn the port.
            var banner = "erp REST record API on \(simulator.recordURL) (Ctrl-C to stop)\n"
            for client in credentials.oauth2Clients {
                banner += "erp OAuth 2.0 token endpoint \(simulator.tokenURL) for client \(client.clientID)\n"
            }
            FileHandle.standardOutput.write(Data(banner.utf8))
            try await serveUntilInterrupted("erp-simulator") {
                let duplicates = await simulator.store.duplicateEffects
                let writes = await simulator.store.appliedWrites
                print(
                    "erp: \(writes) writes applied, \(duplicates) duplicate effects, answers \(simulator.statusCounts.sorted { $0.key < $1.key })"
                )
                await simulator.stop()
            }
        }

        /// OAuth 2.0 and TBA settings from the options (the static token is added by the caller).
        private func authentication() throws -> ERPSimulatorCredentials {
            var credentials = ERPSimulatorCredentials(tokenLifetime: max(1, tokenLifetime))
            if oauth2NewKeyFile != nil && oauth2PublicKeyFile != nil {
                throw ValidationError("--oauth2-new-key-file and --oauth2-public-key-file exclude each other")
            }
            if let oauth2ClientId, let oauth2CertificateId, let oauth2NewKeyFile {
                let (client, privateKey) = ERPSimulatorCredentials.OAuth2Client.generated(
                    clientID: oauth2ClientId, certificateID: oauth2CertificateId)
                try Self.writePrivate(privateKey, to: oauth2NewKeyFile)
                credentials.oauth2Clients = [client]
            } else if let oauth2ClientId, let oauth2CertificateId, let oauth2PublicKeyFile {
                guard let pem = try? String(contentsOfFile: oauth2PublicKeyFile, encoding: .utf8),
                    let client = try? ERPSimulatorCredentials.OAuth2Client(
                        clientID: oauth2ClientId, certificateID: oauth2CertificateId, publicKeyPEM: pem)
                else { throw ValidationError("\(oauth2PublicKeyFile) holds no EC P-256 public key in PEM") }
                credentials.oauth2Clients = [client]
            } else if oauth2ClientId != nil || oauth2CertificateId != nil || oauth2PublicKeyFile != nil
                || oauth2NewKeyFile != nil
            {
                throw ValidationError(
                    "OAuth 2.0 needs --oauth2-client-id, --oauth2-certificate-id and --oauth2-public-key-file "
                        + "(or --oauth2-new-key-file)")
            }
            if let tbaAccountId, let tbaConsumerKey, let tbaTokenId {
                credentials.tba = .init(
                    accountID: tbaAccountId, consumerKey: tbaConsumerKey,
                    consumerSecret: try readSecret(file: nil, variable: "DRIFTLESS_ERP_TBA_CONSUMER_SECRET"),
                    tokenID: tbaTokenId,
                    tokenSecret: try readSecret(file: nil, variable: "DRIFTLESS_ERP_TBA_TOKEN_SECRET"))
            } else if tbaAccountId != nil || tbaConsumerKey != nil || tbaTokenId != nil {
                throw ValidationError("TBA needs --tba-account-id, --tba-consumer-key and --tba-token-id")
            }
            return credentials
        }

        /// Writes `text` to `path` readable by the owner only (replacing what was there); the text is
        /// a secret and is never printed.
        private static func writePrivate(_ text: String, to path: String) throws {
            try? FileManager.default.removeItem(atPath: path)
            guard
                FileManager.default.createFile(
                    atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            else { throw ValidationError("cannot write the OAuth 2.0 private key to \(path)") }
        }
    }
}
