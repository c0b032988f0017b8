package org.msrptools.cli;

import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How the relay is found and how long to wait: for the network (the relay,
 * a transfer under way), and, far longer, for the person at the other end.
 */
final class ConnectionOptions {

    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]", description = "Use this DNS server for the SRV lookup.")
    String dnsServer;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "60",
            description = "Give up when the relay or a transfer under way does nothing for this long: connecting, "
                    + "TLS, AUTH, chunks the connection stops taking or the relay stops answering, the file stopping "
                    + "mid-way (default ${DEFAULT-VALUE}).")
    long timeout;

    /**
     * People swap paths by hand, often minutes apart: waiting for the other
     * side has its own, longer limit. The default matches the session
     * lifetime relays grant by default (600 s), which bounds it anyway.
     */
    @Option(names = "--peer-timeout", paramLabel = "SECONDS", converter = Seconds.class, defaultValue = "600",
            description = "Give up when the other side does nothing for this long: its path (prompt or "
                    + "--peer-path-file), its first chunk, its confirmation (default ${DEFAULT-VALUE}; the relay's "
                    + "session lifetime, its Expires, bounds the wait for the path too).")
    long peerTimeout;

    /** Checks what can be checked before signing in. */
    void check() {
        if (timeout < 1 || peerTimeout < 1) {
            throw new CliException(ExitCodes.USAGE, "--timeout and --peer-timeout must be at least 1 second");
        }
        if (dnsServer != null) {
            HostPort.parse(dnsServer, 53, 1);
        }
    }

    /** --dns-server's address, or null for the system's servers. */
    InetSocketAddress dnsServer() {
        if (dnsServer == null) {
            return null;
        }
        HostPort server = HostPort.parse(dnsServer, 53, 1);
        InetSocketAddress address = new InetSocketAddress(server.host(), server.port());
        if (address.isUnresolved()) {
            throw new CliException(ExitCodes.CONNECTION, "the DNS server " + server.host() + " (--dns-server) "
                    + "was not found");
        }
        return address;
    }

    Duration timeout() {
        return Duration.ofSeconds(timeout);
    }

    Duration peerTimeout() {
        return Duration.ofSeconds(peerTimeout);
    }
}
