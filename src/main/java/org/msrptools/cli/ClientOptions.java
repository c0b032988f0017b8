package org.msrptools.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What msrp-send and msrp-receive share: the account, the relay, TLS, and scripting. */
public final class ClientOptions {

    /** USER@DOMAIN, RELAY_HOST and RELAY_PORT: positional, so each command declares them in its own order. */
    String account;
    String relayHost;
    String relayPort;

    static final String ACCOUNT = "The account; you are asked for its password.";
    static final String RELAY_HOST = "The relay. Without it: DNS SRV _msrps._tcp.DOMAIN, else DOMAIN itself.";
    static final String RELAY_PORT = "The relay's port (default 2855).";

    void target(String account, String relayHost, String relayPort) {
        if (relayHost == null && relayPort != null) {
            throw new CliException(ExitCodes.USAGE, "RELAY_PORT needs RELAY_HOST");
        }
        this.account = account;
        this.relayHost = relayHost;
        this.relayPort = relayPort;
    }

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust these CA certificates for the relay, besides the system's.")
    Path caFile;

    @Option(names = "--insecure", description = "Do not verify the relay's certificate (lab relays only).")
    boolean insecure;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from FILE (first line). Else MSRP_PASSWORD, else a prompt.")
    Path passwordFile;

    @Option(names = "--path-file", paramLabel = "FILE", description = "Write this side's path to FILE as soon as it is known.")
    Path pathFile;

    @Option(names = "--to-path", paramLabel = "'URI URI...'", description = "The peer's path, instead of asking for it.")
    String toPath;

    @Option(names = "--peer-path-file", paramLabel = "FILE", description = "Read the peer's path from FILE, waiting until it appears.")
    Path peerPathFile;

    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]", description = "Use this DNS server for the SRV lookup.")
    String dnsServer;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up after this long without progress (default ${DEFAULT-VALUE}).")
    long timeout;

    @Option(names = "--quiet", description = "Print only errors and the final lines.")
    boolean quiet;

    @Option(names = "--verbose", description = "Log the MSRP messages on the wire (heads); stack traces on errors.")
    boolean verbose;
}
