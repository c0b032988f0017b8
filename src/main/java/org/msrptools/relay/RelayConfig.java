package org.msrptools.relay;

import java.nio.file.Path;
import java.time.Duration;
import org.msrptools.tls.TlsEngine;

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
        Duration headTimeout,
        Duration idleTimeout,
        Duration transactionTimeout,
        Duration shutdownGrace,
        long defaultExpires,
        long minExpires,
        long maxExpires,
        int maxAuthFailures,
        int sessionBufferBytes,
        int maxConnections,
        int maxConnectionsPerAddress,
        boolean allowPrivateNextHops,
        boolean rejectUnknownMethods,
        TlsEngine tlsEngine) {
}
