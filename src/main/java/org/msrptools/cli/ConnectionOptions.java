package org.msrptools.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How the relay is found and how long to wait for anything. */
final class ConnectionOptions {

    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]", description = "Use this DNS server for the SRV lookup.")
    String dnsServer;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up after this long without progress, also while waiting for the other side "
                    + "(default ${DEFAULT-VALUE}).")
    long timeout;

    /** Checks what can be checked before signing in; returns the timeout. */
    Duration check() {
        if (timeout < 1) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be at least 1 second");
        }
        if (dnsServer != null) {
            HostPort.parse(dnsServer, 53);
        }
        return Duration.ofSeconds(timeout);
    }
}
