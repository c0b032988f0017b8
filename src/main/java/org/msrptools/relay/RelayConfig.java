package org.msrptools.relay;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.tls.TlsEngine;

/**
 * Everything the relay server needs, resolved from options and defaults.
 * Built by name ({@link #builder()}), so that two settings of one type
 * cannot be swapped unnoticed, as they could in a positional constructor.
 */
public final class RelayConfig {

    /** The documented defaults (README, {@code msrp-relay --help}); RelayCommand's options name them too. */
    public static final class Defaults {
        public static final String LISTEN_HOST = "0.0.0.0";
        public static final int LISTEN_PORT = MsrpUri.DEFAULT_PORT;
        public static final long NONCE_LIFETIME_SECONDS = 30;
        public static final long FIRST_MESSAGE_TIMEOUT_SECONDS = 30;
        public static final long HEAD_TIMEOUT_SECONDS = 10;
        public static final long IDLE_TIMEOUT_SECONDS = 600;
        public static final long TRANSACTION_TIMEOUT_SECONDS = 30;
        public static final long SHUTDOWN_GRACE_SECONDS = 5;
        public static final long DEFAULT_EXPIRES_SECONDS = 600;
        public static final long MIN_EXPIRES_SECONDS = 60;
        public static final long MAX_EXPIRES_SECONDS = 3600;
        public static final int MAX_AUTH_FAILURES = 3;
        /**
         * 1 MiB. 4 MiB moved 64 KiB chunks about 15 % faster (fewer pauses of
         * a busy connection's reading), but connections that send and never
         * read then fill --total-buffer four times sooner, and while it is full
         * no connection that adds to it is read, a newcomer's AUTH included:
         * about 32 such connections would freeze a relay of -Xmx512m, where
         * 128 are needed at 1 MiB. Operators who want the speed set it.
         */
        public static final int SESSION_BUFFER_BYTES = 1024 * 1024;

        /** All connections together: a quarter of the heap (Netty's direct memory is capped alike). */
        public static long totalBufferBytes() {
            return Runtime.getRuntime().maxMemory() / 4;
        }
        public static final int MAX_CONNECTIONS = 10_000;
        public static final int MAX_CONNECTIONS_PER_ADDRESS = 500;

        private Defaults() {
        }
    }

    private final String listenHost;
    private final int listenPort;
    private final String domain;
    private final String hostname;
    private final Path certFile;
    private final Path keyFile;
    private final Path caFile;
    private final Duration nonceLifetime;
    private final Duration firstMessageTimeout;
    private final Duration headTimeout;
    private final Duration idleTimeout;
    private final Duration transactionTimeout;
    private final Duration shutdownGrace;
    private final long defaultExpires;
    private final long minExpires;
    private final long maxExpires;
    private final int maxAuthFailures;
    private final int sessionBufferBytes;
    private final long totalBufferBytes;
    private final int maxConnections;
    private final int maxConnectionsPerAddress;
    private final boolean allowPrivateNextHops;
    private final boolean rejectUnknownMethods;
    private final TlsEngine tlsEngine;
    private final NextHopResolver.Lookup nextHopLookup;

    private RelayConfig(Builder b) {
        this.listenHost = b.listenHost;
        this.listenPort = b.listenPort;
        this.domain = b.domain;
        this.hostname = Objects.requireNonNull(b.hostname, "RelayConfig needs hostname (the Use-Path host)");
        this.certFile = Objects.requireNonNull(b.certFile, "RelayConfig needs certFile");
        this.keyFile = Objects.requireNonNull(b.keyFile, "RelayConfig needs keyFile");
        this.caFile = b.caFile;
        this.nonceLifetime = b.nonceLifetime;
        this.firstMessageTimeout = b.firstMessageTimeout;
        this.headTimeout = b.headTimeout;
        this.idleTimeout = b.idleTimeout;
        this.transactionTimeout = b.transactionTimeout;
        this.shutdownGrace = b.shutdownGrace;
        this.defaultExpires = b.defaultExpires;
        this.minExpires = b.minExpires;
        this.maxExpires = b.maxExpires;
        this.maxAuthFailures = b.maxAuthFailures;
        this.sessionBufferBytes = b.sessionBufferBytes;
        this.totalBufferBytes = b.totalBufferBytes;
        this.maxConnections = b.maxConnections;
        this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
        this.allowPrivateNextHops = b.allowPrivateNextHops;
        this.rejectUnknownMethods = b.rejectUnknownMethods;
        this.tlsEngine = b.tlsEngine;
        this.nextHopLookup = b.nextHopLookup;
    }

    /** A builder holding the documented defaults; hostname, certFile and keyFile have none. */
    public static Builder builder() {
        return new Builder();
    }

    public String listenHost() {
        return listenHost;
    }

    public int listenPort() {
        return listenPort;
    }

    /** The digest realm, or null: then the Authenticator chooses one per AUTH. */
    public String domain() {
        return domain;
    }

    public String hostname() {
        return hostname;
    }

    public Path certFile() {
        return certFile;
    }

    public Path keyFile() {
        return keyFile;
    }

    /** Extra CAs for peer relays, or null. */
    public Path caFile() {
        return caFile;
    }

    public Duration nonceLifetime() {
        return nonceLifetime;
    }

    public Duration firstMessageTimeout() {
        return firstMessageTimeout;
    }

    public Duration headTimeout() {
        return headTimeout;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration transactionTimeout() {
        return transactionTimeout;
    }

    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    public long defaultExpires() {
        return defaultExpires;
    }

    public long minExpires() {
        return minExpires;
    }

    public long maxExpires() {
        return maxExpires;
    }

    public int maxAuthFailures() {
        return maxAuthFailures;
    }

    public int sessionBufferBytes() {
        return sessionBufferBytes;
    }

    /** What all connections together may hold before those that add to it stop being read. */
    public long totalBufferBytes() {
        return totalBufferBytes;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    public boolean allowPrivateNextHops() {
        return allowPrivateNextHops;
    }

    public boolean rejectUnknownMethods() {
        return rejectUnknownMethods;
    }

    public TlsEngine tlsEngine() {
        return tlsEngine;
    }

    NextHopResolver.Lookup nextHopLookup() {
        return nextHopLookup;
    }

    /** Named settings over the documented defaults; {@link #build()} makes the immutable config. */
    public static final class Builder {
        private String listenHost = Defaults.LISTEN_HOST;
        private int listenPort = Defaults.LISTEN_PORT;
        private String domain;
        private String hostname;
        private Path certFile;
        private Path keyFile;
        private Path caFile;
        private Duration nonceLifetime = Duration.ofSeconds(Defaults.NONCE_LIFETIME_SECONDS);
        private Duration firstMessageTimeout = Duration.ofSeconds(Defaults.FIRST_MESSAGE_TIMEOUT_SECONDS);
        private Duration headTimeout = Duration.ofSeconds(Defaults.HEAD_TIMEOUT_SECONDS);
        private Duration idleTimeout = Duration.ofSeconds(Defaults.IDLE_TIMEOUT_SECONDS);
        private Duration transactionTimeout = Duration.ofSeconds(Defaults.TRANSACTION_TIMEOUT_SECONDS);
        private Duration shutdownGrace = Duration.ofSeconds(Defaults.SHUTDOWN_GRACE_SECONDS);
        private long defaultExpires = Defaults.DEFAULT_EXPIRES_SECONDS;
        private long minExpires = Defaults.MIN_EXPIRES_SECONDS;
        private long maxExpires = Defaults.MAX_EXPIRES_SECONDS;
        private int maxAuthFailures = Defaults.MAX_AUTH_FAILURES;
        private int sessionBufferBytes = Defaults.SESSION_BUFFER_BYTES;
        private long totalBufferBytes = Defaults.totalBufferBytes();
        private int maxConnections = Defaults.MAX_CONNECTIONS;
        private int maxConnectionsPerAddress = Defaults.MAX_CONNECTIONS_PER_ADDRESS;
        private boolean allowPrivateNextHops;
        private boolean rejectUnknownMethods;
        private TlsEngine tlsEngine = TlsEngine.preferred();
        private NextHopResolver.Lookup nextHopLookup = InetAddress::getAllByName;

        private Builder() {
        }

        public Builder listenHost(String v) {
            listenHost = v;
            return this;
        }

        /** 0 picks a free port. */
        public Builder listenPort(int v) {
            listenPort = v;
            return this;
        }

        public Builder domain(String v) {
            domain = v;
            return this;
        }

        public Builder hostname(String v) {
            hostname = v;
            return this;
        }

        public Builder certFile(Path v) {
            certFile = v;
            return this;
        }

        public Builder keyFile(Path v) {
            keyFile = v;
            return this;
        }

        public Builder caFile(Path v) {
            caFile = v;
            return this;
        }

        public Builder nonceLifetime(Duration v) {
            nonceLifetime = v;
            return this;
        }

        public Builder firstMessageTimeout(Duration v) {
            firstMessageTimeout = v;
            return this;
        }

        public Builder headTimeout(Duration v) {
            headTimeout = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        public Builder transactionTimeout(Duration v) {
            transactionTimeout = v;
            return this;
        }

        public Builder shutdownGrace(Duration v) {
            shutdownGrace = v;
            return this;
        }

        /** Seconds. */
        public Builder defaultExpires(long v) {
            defaultExpires = v;
            return this;
        }

        /** Seconds. */
        public Builder minExpires(long v) {
            minExpires = v;
            return this;
        }

        /** Seconds. */
        public Builder maxExpires(long v) {
            maxExpires = v;
            return this;
        }

        public Builder maxAuthFailures(int v) {
            maxAuthFailures = v;
            return this;
        }

        public Builder sessionBufferBytes(int v) {
            sessionBufferBytes = v;
            return this;
        }

        public Builder totalBufferBytes(long v) {
            totalBufferBytes = v;
            return this;
        }

        /** 0: no cap. */
        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        /** 0: no cap. */
        public Builder maxConnectionsPerAddress(int v) {
            maxConnectionsPerAddress = v;
            return this;
        }

        public Builder allowPrivateNextHops(boolean v) {
            allowPrivateNextHops = v;
            return this;
        }

        public Builder rejectUnknownMethods(boolean v) {
            rejectUnknownMethods = v;
            return this;
        }

        public Builder tlsEngine(TlsEngine v) {
            tlsEngine = v;
            return this;
        }

        /** The system resolver; tests hold a lookup back to order events around a next hop. */
        Builder nextHopLookup(NextHopResolver.Lookup v) {
            nextHopLookup = v;
            return this;
        }

        public RelayConfig build() {
            return new RelayConfig(this);
        }
    }
}
