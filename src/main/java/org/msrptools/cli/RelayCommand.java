package org.msrptools.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.msrptools.VersionProvider;
import org.msrptools.client.FileProblem;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.relay.AccountStore;
import org.msrptools.relay.HtdigestAccounts;
import org.msrptools.relay.JdbcAccounts;
import org.msrptools.relay.LogEvent;
import org.msrptools.relay.MetricsEndpoint;
import org.msrptools.relay.RelayConfig;
import org.msrptools.relay.RelayConfig.Defaults;
import org.msrptools.relay.RelayServer;
import org.msrptools.tls.CertificateFiles;
import org.msrptools.tls.CertificateValidity;
import org.msrptools.tls.TlsEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code msrp-relay}: the RFC 4976 relay, with an embedded default set-up. */
@Command(name = "msrp-relay",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        subcommands = PasswdCommand.class,
        description = {
                "The MSRP relay (RFC 4976): clients authenticate with AUTH over TLS, get a Use-Path, "
                        + "and their messages and files flow through it.",
                "With no options it starts on an embedded default: a state directory with a self-signed "
                        + "certificate and an accounts file.",
                "Every option can also be set in a --config file (name=value, names without dashes); "
                        + "options on the command line win."},
        footer = {"", ExitCodes.RELAY_HELP})
public final class RelayCommand implements Callable<Integer> {

    /** Held here: java.util.logging keeps loggers weakly. */
    private static final Logger LOG = Logger.getLogger(RelayCommand.class.getName());

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with option values.")
    Path config;

    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "State directory (certificate, key, accounts); default ~/.msrp-relay.")
    Path stateDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = Defaults.LISTEN_HOST + ":" + Defaults.LISTEN_PORT,
            description = "Address to listen on (default ${DEFAULT-VALUE}; port 0 picks a free one).")
    String listen;

    @Option(names = "--domain", description = "Digest realm. Default: the AUTH To-Path host when it has accounts, else the accounts' first domain (the accounts file's first; a database's alphabetically first), else this machine's host name.")
    String domain;

    @Option(names = "--hostname", description = "Host put in Use-Path: a DNS name (an internationalized one in its "
            + "ASCII form, by Java's IDNA 2003 rules) or an IP address. Default: the first DNS name of the certificate.")
    String hostname;

    @Option(names = "--cert", paramLabel = "PEM", description = "Certificate chain (PEM). With --key, nothing is generated.")
    Path cert;

    @Option(names = "--key", paramLabel = "PEM", description = "Private key (PEM) of --cert.")
    Path key;

    @Option(names = "--accounts", paramLabel = "FILE", description = "htdigest accounts file (user:realm:HA1); default STATE_DIR/accounts.htdigest.")
    Path accounts;

    @Option(names = "--accounts-jdbc-url", paramLabel = "URL", description = "Read accounts from SQL instead (e.g. jdbc:postgresql://db:5432/opensips): a table shaped like the OpenSIPS/Kamailio subscriber table.")
    String jdbcUrl;

    @Option(names = "--accounts-jdbc-user", paramLabel = "USER", description = "Database user.")
    String jdbcUser;

    @Option(names = "--accounts-jdbc-password-file", paramLabel = "FILE", description = "File whose first line is the database password.")
    Path jdbcPasswordFile;

    @Option(names = "--accounts-table", defaultValue = "subscriber", description = "Table (default ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--accounts-user-column", defaultValue = "username", description = "User column (default ${DEFAULT-VALUE}).")
    String userColumn;

    @Option(names = "--accounts-domain-column", defaultValue = "domain", description = "Domain column (default ${DEFAULT-VALUE}).")
    String domainColumn;

    @Option(names = "--accounts-password-column", defaultValue = "password", description = "Clear-text password column, used when HA1 is empty (default ${DEFAULT-VALUE}).")
    String passwordColumn;

    @Option(names = "--accounts-ha1-column", defaultValue = "ha1", description = "HA1 column (default ${DEFAULT-VALUE}).")
    String ha1Column;

    @Option(names = "--accounts-cache", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "30", description = "How long database answers are cached (default ${DEFAULT-VALUE}).")
    long accountsCache;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Extra CA certificates to trust for peer relays (besides the system trust store).")
    Path caFile;

    @Option(names = "--allow-private-next-hops", description = "Let next hops be loopback, private or link-local addresses (lab set-ups, tests).")
    boolean allowPrivateNextHops;

    @Option(names = "--reject-unknown-methods", description = "Answer 501 to methods other than SEND, REPORT and NICKNAME instead of forwarding them.")
    boolean rejectUnknownMethods;

    @Option(names = "--nonce-lifetime", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "" + Defaults.NONCE_LIFETIME_SECONDS, description = "How long a digest nonce is valid (default ${DEFAULT-VALUE}).")
    long nonceLifetime;

    @Option(names = "--first-message-timeout", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "" + Defaults.FIRST_MESSAGE_TIMEOUT_SECONDS, description = "Close connections that neither authenticate nor send a valid request within this (default ${DEFAULT-VALUE}).")
    long firstMessageTimeout;

    @Option(names = "--head-timeout", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "" + Defaults.HEAD_TIMEOUT_SECONDS, description = "Close connections whose message head (start line and headers) takes longer than this to arrive: slow-loris (default ${DEFAULT-VALUE}).")
    long headTimeout;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "" + Defaults.IDLE_TIMEOUT_SECONDS, description = "Close connections idle this long (default ${DEFAULT-VALUE}).")
    long idleTimeout;

    @Option(names = "--transaction-timeout", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "" + Defaults.TRANSACTION_TIMEOUT_SECONDS, description = "Wait this long for a next hop's response before a 408 REPORT (default ${DEFAULT-VALUE}).")
    long transactionTimeout;

    @Option(names = "--default-expires", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "" + Defaults.DEFAULT_EXPIRES_SECONDS, description = "Session lifetime when AUTH asks none (default ${DEFAULT-VALUE}).")
    long defaultExpires;

    @Option(names = "--min-expires", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "" + Defaults.MIN_EXPIRES_SECONDS, description = "Shortest lifetime AUTH may ask (default ${DEFAULT-VALUE}).")
    long minExpires;

    @Option(names = "--max-expires", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "" + Defaults.MAX_EXPIRES_SECONDS, description = "Longest lifetime AUTH may ask (default ${DEFAULT-VALUE}).")
    long maxExpires;

    @Option(names = "--max-auth-failures", defaultValue = "" + Defaults.MAX_AUTH_FAILURES, description = "Failed AUTHs before 403 and close (default ${DEFAULT-VALUE}).")
    int maxAuthFailures;

    @Option(names = "--session-buffer", paramLabel = "BYTES", converter = ByteSize.Int.class, defaultValue = "" + Defaults.SESSION_BUFFER_BYTES, description = "Bytes read from a connection and not yet written onward before it is not read (default ${DEFAULT-VALUE}; 64 KiB to 256 MiB).")
    int sessionBuffer;

    @Option(names = "--total-buffer", paramLabel = "BYTES", converter = ByteSize.class, description = "Bytes all connections together may hold "
            + "before those that add to it are not read (default: a quarter of the heap, 128 MiB with bin/msrp-relay's "
            + "-Xmx512m).")
    Long totalBuffer;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + Defaults.MAX_CONNECTIONS, description = "Connections accepted in all; more are closed at once (0: no cap; default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-address", paramLabel = "N", defaultValue = "" + Defaults.MAX_CONNECTIONS_PER_ADDRESS, description = "Connections accepted from one IP address; more are closed at once (0: no cap; default ${DEFAULT-VALUE}).")
    int maxConnectionsPerAddress;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "" + Defaults.SHUTDOWN_GRACE_SECONDS, description = "On SIGTERM, time for chunks in flight to finish (default ${DEFAULT-VALUE}).")
    long shutdownGrace;

    @Option(names = "--tls-engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "TLS implementation: openssl (BoringSSL), jdk, bc (Bouncy Castle JSSE on JDK crypto), bc-pure; "
                    + "default ${DEFAULT-VALUE}: openssl where its native library loads (the fastest, see msrp-bench), else jdk.")
    String tlsEngine;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "Serve Prometheus metrics at "
            + "http://HOST:PORT/metrics and health at /health (200, or 503 when not listening or the account store "
            + "does not answer). Off by default; keep it on loopback or a management network.")
    String metrics;

    @Option(names = "--metrics-sessions", description = "With --metrics, also serve /sessions: who is signed in now, "
            + "from which address, and what each session carried (a JSON line each). Off by default: it names users "
            + "and their addresses to whoever reaches the metrics address.")
    boolean metricsSessions;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default: one line per event, key=value fields) or json (one JSON object per line).")
    String logFormat;

    @Option(names = "--verbose", description = "Log protocol detail; show stack traces.")
    boolean verbose;

    /** A --config that cannot be read, or names no option, is a usage error: for the relay and for passwd. */
    void checkConfigFile() throws IOException {
        if (config != null && !Files.isReadable(config)) {
            throw new CliException(ExitCodes.USAGE, "cannot read config file " + config + ": " + (Files.exists(config)
                    ? Files.isDirectory(config) ? "it is a directory" : "permission denied" : "no such file"));
        }
        if (config != null && !ConfigFileDefaults.unknownNames(config, spec).isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "config file " + config + ": no such option "
                    + String.join(", ", ConfigFileDefaults.unknownNames(config, spec))
                    + " (names are the options without dashes, e.g. metrics=127.0.0.1:9855)");
        }
    }

    @Override
    public Integer call() throws Exception {
        checkConfigFile();
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new CliException(ExitCodes.USAGE, "--log-format must be text or json, not '" + logFormat + "'");
        }
        Logging.configure(verbose, logFormat.equals("json"));
        HostPort metricsAt = metrics == null ? null : HostPort.parse(metrics, -1);
        if (metricsAt != null && (metricsAt.port() < 0 || metricsAt.host().isEmpty())) {
            throw new CliException(ExitCodes.USAGE, "--metrics needs HOST:PORT, e.g. 127.0.0.1:9855");
        }
        if (metricsSessions && metricsAt == null) {
            throw new CliException(ExitCodes.USAGE, "--metrics-sessions is served on --metrics: give both");
        }
        Path state = StateDir.resolve(stateDir);
        Path certFile = cert;
        Path keyFile = key;
        if ((cert == null) != (key == null)) {
            throw new CliException(ExitCodes.USAGE, "--cert and --key go together");
        }
        if (sessionBuffer < 64 * 1024 || sessionBuffer > 256 * 1024 * 1024) {
            throw new CliException(ExitCodes.USAGE, "--session-buffer must be from 65536 to 268435456 bytes");
        }
        if (totalBuffer != null && totalBuffer < sessionBuffer) {
            throw new CliException(ExitCodes.USAGE, "--total-buffer must be at least --session-buffer");
        }
        long buffers = io.netty.util.internal.PlatformDependent.maxDirectMemory();
        if (totalBuffer != null && buffers > 0 && totalBuffer > buffers) { // it would run out, not pause readers
            throw new CliException(ExitCodes.USAGE, "--total-buffer " + totalBuffer + " is more than this JVM may "
                    + "hold in buffers (" + buffers + " bytes; MSRP_JAVA_OPTS=-XX:MaxDirectMemorySize=... raises it)");
        }
        checkLimits();
        String useHost = hostname == null ? null : HostPort.uriHost(hostname, "--hostname");
        if (certFile == null) {
            certFile = state.resolve("cert.pem");
            keyFile = state.resolve("key.pem");
            if (!Files.exists(certFile) || !Files.exists(keyFile)) {
                List<String> names = new ArrayList<>();
                names.add(useHost != null ? useHost : CertificateFiles.machineHostName());
                names.addAll(List.of("localhost", "127.0.0.1", "::1"));
                CertificateFiles.createSelfSigned(certFile, keyFile, names, Duration.ofDays(3650));
            }
        }
        var certificate = readCertificate(certFile, "certificate");
        checkKey(keyFile, certificate);
        if (caFile != null) {
            readCertificate(caFile, "--ca-file"); // checked here, so that a bad one is said like a bad --cert
        }
        if (useHost == null) {
            List<String> dns = CertificateFiles.dnsNames(certificate);
            useHost = dns.isEmpty() ? CertificateFiles.machineHostName() : dns.get(0);
        }
        AccountStore store = accountStore(state);
        HostPort at = HostPort.parse(listen, Defaults.LISTEN_PORT);
        RelayConfig relayConfig = RelayConfig.builder()
                .listenHost(at.host()).listenPort(at.port())
                .domain(domain).hostname(useHost)
                .certFile(certFile).keyFile(keyFile).caFile(caFile)
                .nonceLifetime(Duration.ofSeconds(nonceLifetime))
                .firstMessageTimeout(Duration.ofSeconds(firstMessageTimeout))
                .headTimeout(Duration.ofSeconds(headTimeout))
                .idleTimeout(Duration.ofSeconds(idleTimeout))
                .transactionTimeout(Duration.ofSeconds(transactionTimeout))
                .shutdownGrace(Duration.ofSeconds(shutdownGrace))
                .defaultExpires(defaultExpires).minExpires(minExpires).maxExpires(maxExpires)
                .maxAuthFailures(maxAuthFailures)
                .sessionBufferBytes(sessionBuffer)
                .totalBufferBytes(totalBuffer != null ? totalBuffer : RelayConfig.Defaults.totalBufferBytes())
                .maxConnections(maxConnections).maxConnectionsPerAddress(maxConnectionsPerAddress)
                .allowPrivateNextHops(allowPrivateNextHops)
                .rejectUnknownMethods(rejectUnknownMethods)
                .tlsEngine(engine())
                .build();
        RelayServer server = new RelayServer(relayConfig, store, Clock.systemUTC());
        // Before anything is printed: whoever reads the start block may signal at once.
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        try {
            server.start();
        } catch (BindException e) {
            throw new CliException(ExitCodes.CONNECTION, "cannot listen on " + at + ": " + e.getMessage(), e);
        }
        MetricsEndpoint endpoint = null;
        if (metricsAt != null) {
            try {
                endpoint = MetricsEndpoint.start(metricsAt.host(), metricsAt.port(), server, store, metricsSessions);
            } catch (IOException e) {
                server.stop();
                throw new CliException(ExitCodes.CONNECTION, "cannot serve metrics on " + metricsAt + ": "
                        + (e.getCause() instanceof java.nio.channels.UnresolvedAddressException
                        || "Unresolved address".equals(e.getMessage()) ? "the host name does not resolve"
                        : FileProblem.of(e)), e);
            }
        }
        printStartBlock(System.out, server, at, certFile, store,
                endpoint == null ? null : new HostPort(metricsAt.host(), endpoint.port()));
        stop.await();
        System.out.println("Stopping: no new connections; the chunk each connection is in gets up to " + shutdownGrace
                + " s to end, then every transfer is cut");
        LogEvent.of("relay_stopping").with("grace_s", shutdownGrace).log(LOG, Level.INFO);
        server.stop();
        if (endpoint != null) {
            endpoint.close();
        }
        store.close();
        System.out.println("Stopped.");
        LogEvent.of("relay_stopped").log(LOG, Level.INFO);
        return ExitCodes.OK;
    }

    /**
     * Times and counts that would make the relay useless rather than strict
     * (every connection closed at once, no AUTH ever good) are refused before
     * it starts, as a too small --session-buffer is.
     */
    private void checkLimits() {
        atLeast("--nonce-lifetime", nonceLifetime, 1);
        atLeast("--first-message-timeout", firstMessageTimeout, 1);
        atLeast("--head-timeout", headTimeout, 1);
        atLeast("--idle-timeout", idleTimeout, 1);
        atLeast("--transaction-timeout", transactionTimeout, 1);
        atLeast("--shutdown-grace", shutdownGrace, 0);
        atLeast("--default-expires", defaultExpires, 1); // may be below --min-expires (a bound on what AUTH asks)
        atLeast("--min-expires", minExpires, 1);
        atLeast("--max-expires", maxExpires, 1);
        atLeast("--accounts-cache", accountsCache, 0);
        atLeast("--max-auth-failures", maxAuthFailures, 1);
        atLeast("--max-connections", maxConnections, 0);
        atLeast("--max-connections-per-address", maxConnectionsPerAddress, 0);
        if (maxExpires < minExpires) {
            throw new CliException(ExitCodes.USAGE, "--max-expires " + maxExpires + " is below --min-expires "
                    + minExpires);
        }
        if (defaultExpires > maxExpires) { // what a client that asks none gets: no more than one may ask
            throw new CliException(ExitCodes.USAGE, "--default-expires " + defaultExpires + " is above --max-expires "
                    + maxExpires);
        }
    }

    private static void atLeast(String option, long value, long least) {
        if (value < least) {
            throw new CliException(ExitCodes.USAGE, option + " must be at least " + least + ", not " + value);
        }
    }

    /** A name without a dot (a machine's own name), not localhost: only this machine's /etc/hosts may know it. */
    static boolean oneLabel(String host) {
        return host.indexOf('.') < 0 && host.indexOf(':') < 0 && !host.equalsIgnoreCase("localhost");
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private TlsEngine engine() {
        try {
            return TlsEngine.select(tlsEngine, List.of(TlsEngine.values()));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private static java.security.cert.X509Certificate readCertificate(Path file, String what) {
        try {
            return CertificateFiles.readCertificates(file).get(0);
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot read " + what + " " + file + ": " + FileProblem.of(e));
        } catch (GeneralSecurityException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    /** The key must be readable and the certificate's: else every handshake would fail while the relay ran. */
    private static void checkKey(Path file, java.security.cert.X509Certificate certificate) {
        try {
            CertificateFiles.checkKeyPair(certificate, CertificateFiles.readPrivateKey(file));
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot read key " + file + ": " + FileProblem.of(e));
        } catch (GeneralSecurityException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot use key " + file + ": " + e.getMessage());
        }
    }

    /** The htdigest file by default; a database when --accounts-jdbc-url is given. */
    private AccountStore accountStore(Path state) throws IOException {
        if (jdbcUrl != null) {
            String password = jdbcPasswordFile == null ? null : PasswordInput.read(jdbcPasswordFile, false);
            try {
                return new JdbcAccounts(jdbcUrl, jdbcUser, password, new JdbcAccounts.Schema(table, userColumn,
                        domainColumn, passwordColumn, ha1Column), Duration.ofSeconds(accountsCache), Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
        Path accountsFile = accounts != null ? accounts : state.resolve("accounts.htdigest");
        if (Files.isDirectory(accountsFile)) {
            throw new CliException(ExitCodes.LOCAL_FILE, "accounts file " + accountsFile + " is a directory: give "
                    + "the accounts file (user:realm:HA1 lines)" + (accounts == null ? ", or --accounts FILE" : ""));
        }
        refuseLinkToNothing(accountsFile);
        if (!Files.exists(accountsFile)) {
            try { // an empty one, to be filled with passwd while the relay runs
                Files.createFile(accountsFile, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            } catch (IOException e) {
                throw new CliException(ExitCodes.LOCAL_FILE, "cannot create accounts file " + accountsFile + ": "
                        + FileProblem.of(e) + (Files.isDirectory(accountsFile.toAbsolutePath().getParent()) ? ""
                        : " (its directory does not exist)"));
            }
        }
        HtdigestAccounts store = new HtdigestAccounts(accountsFile);
        if (store.problem() != null) { // running on no accounts would refuse everyone, and say nothing why
            store.close();
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot read accounts file " + accountsFile + ": "
                    + store.problem());
        }
        return store;
    }

    /** A link to nothing would be taken for a missing file, which creating fails on (found by a new user). */
    static void refuseLinkToNothing(Path accountsFile) {
        if (Files.isSymbolicLink(accountsFile) && !Files.exists(accountsFile)) {
            String target;
            try {
                target = Files.readSymbolicLink(accountsFile).toString();
            } catch (IOException e) {
                target = "where it pointed";
            }
            throw new CliException(ExitCodes.LOCAL_FILE, "accounts file " + accountsFile + " is a link to nothing (to "
                    + target + ")");
        }
    }

    private void printStartBlock(PrintStream out, RelayServer server, HostPort at, Path certFile, AccountStore store,
                                 HostPort metricsAt) throws GeneralSecurityException {
        String domainText = domain != null ? domain
                : store.realms().size() == 1 ? store.realms().iterator().next() + " (the accounts' domain)"
                : store.realms().isEmpty() ? "from each AUTH's To-Path host (no accounts yet)"
                : "the AUTH To-Path host's if it has accounts, else " + store.realms().iterator().next() + " ("
                        + store.realms().size() + " domains)";
        out.println("msrp-relay " + VersionProvider.version() + " listening");
        out.println("  Listening on:    " + new HostPort(at.host(), server.port()) + " (TLS)");
        out.println("  Domain (realm):  " + domainText);
        out.println("  Use-Path host:   " + MsrpUri.bracketed(server.identity().hostname()) + ":" + server.port());
        out.println("  TLS engine:      " + server.tlsEngine());
        out.println("  Certificate:     " + certFile.toAbsolutePath());
        out.println("  SHA-256:         " + CertificateFiles.sha256Fingerprint(server.certificate()));
        List<String> names = CertificateFiles.allNames(server.certificate());
        out.println("  Names:           " + (names.isEmpty() ? "CN " + String.join(", ",
                CertificateFiles.commonNames(server.certificate())) + " (no subject alternative names)"
                : String.join(", ", names)));
        String useHost = server.identity().hostname();
        if (!CertificateFiles.names(server.certificate(), useHost)) {
            // Other relays and clients that connect by the Use-Path host check it against these names (exit 4).
            String warning = "the certificate does not name the Use-Path host " + useHost + ": peers that connect "
                    + "by it will refuse it (give --hostname one of its names, or --cert/--key for " + useHost + ")";
            out.println("  WARNING:         " + warning);
            warn(warning);
        }
        if (oneLabel(useHost)) {
            // Found by a trial: Kamailio, the next hop, could not resolve the machine name "vm" in the path.
            out.println("  Note:            the Use-Path host " + useHost + " is a name of one label, which relays on "
                    + "other machines may not resolve: to forward between relays, give --hostname a DNS name or an "
                    + "address");
        }
        CertificateValidity validity = CertificateValidity.of(server.certificates(), Instant.now(), cert == null);
        out.println("  Valid until:     " + (validity.warning() ? "WARNING: " : "") + validity.text());
        if (validity.warning()) {
            warn("the certificate " + certFile.toAbsolutePath() + ": " + validity.text());
        }
        out.println("  Accounts:        " + store.describe());
        String lax = store instanceof HtdigestAccounts file ? StateDir.writableByOthers(file.file()) : null;
        if (lax != null) {
            out.println("  WARNING:         " + lax);
            warn(lax);
        }
        if (store.size() == 0) {
            out.println("  No accounts yet: add one with  bin/msrp-relay passwd USER@DOMAIN"
                    + (accounts != null ? " --accounts " + accounts : stateDir != null ? " --state-dir " + stateDir : ""));
        }
        if (metricsAt != null) {
            out.println("  Metrics:         http://" + metricsAt + "/metrics (health at /health"
                    + (metricsSessions ? ", sessions at /sessions)" : ")")
                    + (isLoopback(metricsAt.host()) ? "" : ": not on loopback, and anyone who reaches it can read it"));
        }
        out.println("  Clients trust it with --ca-file " + certFile.toAbsolutePath());
        out.flush();
        // The same in the log: under systemd or a log shipper (--log-format json) the log is what is kept.
        LogEvent.of("relay_started").with("version", VersionProvider.version())
                .with("listen", new HostPort(at.host(), server.port()).toString())
                .with("use_path_host", MsrpUri.bracketed(useHost) + ":" + server.port())
                .with("domain", domain).with("tls_engine", server.tlsEngine().toString())
                .withWhole("certificate", certFile.toAbsolutePath())
                .with("sha256", CertificateFiles.sha256Fingerprint(server.certificate()))
                .with("not_after", server.firstExpiry().toString())
                .withWhole("accounts", store.describe()).with("accounts_count", store.size() < 0 ? null : store.size())
                .with("metrics", metricsAt == null ? null : "http://" + metricsAt + "/metrics")
                .log(LOG, Level.INFO);
    }

    /** A warning at start: on stdout in the start block, and in the log, where a supervisor or a shipper looks. */
    private static void warn(String warning) {
        LogEvent.of("start_warning").withWhole("warning", warning).log(LOG, Level.WARNING);
    }
}
