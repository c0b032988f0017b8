package org.msrptools.cli;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.msrptools.client.Authentication;
import org.msrptools.client.ClientException;
import org.msrptools.client.RelayAccount;
import org.msrptools.dns.RelayLocator;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.tls.TlsContexts;

/**
 * The part of a client run both tools share, in the original clients'
 * order: password, relay, AUTH, "Path to send in SDP:", the peer's path.
 */
final class ClientRun {

    private final ClientOptions o;
    private final PrintStream out;
    final UserAtDomain who;
    final Duration timeout;

    ClientRun(ClientOptions options, PrintStream out) {
        this.o = options;
        this.out = out;
        this.who = UserAtDomain.parse(options.account);
        this.timeout = Duration.ofSeconds(options.timeout);
        Logging.configure(options.verbose);
    }

    Consumer<String> console() {
        return line -> {
            if (!o.quiet) {
                out.println(line);
                out.flush();
            }
        };
    }

    /** Signs in to the first relay that answers; prints and writes this side's path. */
    Authentication.Session signIn() throws ClientException, InterruptedException {
        String password = PasswordInput.read(o.passwordFile, false);
        SslContext tls = tls();
        List<RelayLocator.Target> targets;
        String authHost;
        if (o.relayHost != null) {
            int port = o.relayPort == null ? RelayLocator.DEFAULT_PORT : HostPort.port(o.relayPort);
            targets = List.of(new RelayLocator.Target(o.relayHost, port));
            authHost = o.relayHost;
        } else {
            targets = locate();
            authHost = who.domain(); // so a relay serving several domains knows the realm
        }
        ClientException last = null;
        for (RelayLocator.Target t : targets) {
            RelayAccount account = new RelayAccount(t.host(), t.port(), authHost, who.user(), who.domain(), password,
                    tls, timeout);
            try {
                Authentication.Session s = new Authentication(account, console()).signIn();
                MsrpPath path = s.advertisedPath();
                console().accept("Path to send in SDP:");
                out.println(path); // printed even when quiet: it is what the user must pass on
                out.flush();
                if (o.pathFile != null) {
                    PathExchange.write(o.pathFile, path);
                }
                return s;
            } catch (ClientException e) {
                if (e.kind() != ClientException.Kind.CONNECTION) {
                    throw e;
                }
                last = e;
                console().accept(e.getMessage());
            }
        }
        throw last;
    }

    MsrpPath peerPath() throws InterruptedException {
        return PathExchange.read(o, out);
    }

    private List<RelayLocator.Target> locate() throws ClientException {
        try {
            return new RelayLocator(o.dnsServer, timeout).locate(who.domain());
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.CONNECTION, "DNS lookup for " + who.domain() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private SslContext tls() throws ClientException {
        try {
            if (o.insecure) {
                System.err.println("WARNING: --insecure: the relay's certificate is not verified; "
                        + "anyone on the path can read and change the transfer.");
            }
            return TlsContexts.client(o.caFile, o.insecure);
        } catch (IOException | GeneralSecurityException e) {
            throw new ClientException(ClientException.Kind.LOCAL_FILE, "cannot load --ca-file " + o.caFile + ": "
                    + e.getMessage(), e);
        }
    }

    /** The exit code for a client failure, after printing its one line. */
    static int exit(String tool, ClientException e, boolean verbose) {
        System.err.println(tool + ": " + e.getMessage());
        if (verbose && e.getCause() != null) {
            e.getCause().printStackTrace();
        }
        return switch (e.kind()) {
            case CONNECTION -> ExitCodes.CONNECTION;
            case TLS -> ExitCodes.TLS;
            case AUTHENTICATION -> ExitCodes.AUTHENTICATION;
            case TRANSFER -> ExitCodes.TRANSFER;
            case TIMEOUT -> ExitCodes.TIMEOUT;
            case LOCAL_FILE -> ExitCodes.LOCAL_FILE;
        };
    }

    /** "Sent 396 bytes in 0 seconds, (2.56 kb/s)", as the original clients print it. */
    static String rate(String verb, long bytes, long startNanos) {
        double seconds = Math.max(1e-6, (System.nanoTime() - startNanos) / 1e9);
        return String.format("%s %d bytes in %d seconds, (%.2f kb/s)", verb, bytes, (long) seconds,
                bytes * 8 / 1000.0 / seconds);
    }
}
