package org.msrptools.relay;

import java.nio.file.Path;
import java.time.Duration;

/** Everything the relay server needs, resolved from options and defaults. */
public record RelayConfig(
        String listenHost,
        int listenPort,
        String domain,
        String hostname,
        Path certFile,
        Path keyFile,
        Path caFile,
        Duration nonceLifetime,
        Duration firstMessageTimeout,
        Duration idleTimeout,
        Duration transactionTimeout,
        Duration shutdownGrace,
        long defaultExpires,
        long minExpires,
        long maxExpires,
        int maxAuthFailures,
        int sessionBufferBytes,
        boolean allowPrivateNextHops,
        boolean rejectUnknownMethods) {

    /** A configuration with the documented defaults, for the given addresses and files. */
    public static RelayConfig defaults(String listenHost, int listenPort, String hostname, Path certFile,
                                       Path keyFile) {
        return new RelayConfig(listenHost, listenPort, null, hostname, certFile, keyFile, null,
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(600), Duration.ofSeconds(30),
                Duration.ofSeconds(5), 600, 60, 3600, 3, 1024 * 1024, false, false);
    }
}
