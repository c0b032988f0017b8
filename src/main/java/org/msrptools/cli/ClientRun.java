package org.msrptools.cli;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.msrptools.client.Authentication;
import org.msrptools.client.ClientException;
import org.msrptools.client.RelayAccount;
import org.msrptools.dns.RelayLocator;
import org.msrptools.protocol.MsrpPath;

/**
 * The part of a client run both tools share, in the original clients'
 * order: password, relay, AUTH, "Path to send in SDP:", the peer's path.
 * Everything the command line says is checked when this is made, before
 * the password is asked.
 */
final class ClientRun {

    private final ClientCommand c;
    private final String tool;
    private final PrintStream out = System.out;
    private final UserAtDomain who;
    private final Integer relayPort;
    private final SslContext tls;
    final Duration timeout;
    final Interruption interruption;

    ClientRun(ClientCommand command, String tool) {
        this.c = command;
        this.tool = tool;
        Logging.configure(command.output.verbose);
        this.who = UserAtDomain.parse(command.relay.account);
        if (command.relay.host == null && command.relay.port != null) {
            throw new CliException(ExitCodes.USAGE, "RELAY_PORT needs RELAY_HOST");
        }
        this.relayPort = command.relay.port == null ? null : HostPort.port(command.relay.port);
        this.timeout = command.connection.check();
        command.paths.check();
        this.tls = command.trust.context();
        this.interruption = new Interruption(tool);
    }

    Consumer<String> console() {
        return line -> {
            if (!c.output.quiet) {
                out.println(line);
                out.flush();
            }
        };
    }

    /** Signs in to the first relay that answers; prints and writes this side's path. */
    Authentication.Session signIn() throws ClientException, InterruptedException {
        String password = c.credentials.password();
        List<RelayLocator.Target> targets;
        String authHost;
        if (c.relay.host != null) {
            targets = List.of(new RelayLocator.Target(c.relay.host, relayPort == null ? RelayLocator.DEFAULT_PORT
                    : relayPort));
            authHost = c.relay.host;
        } else {
            targets = locate();
            authHost = who.domain(); // so a relay serving several domains knows the realm
        }
        ClientException last = null;
        for (int i = 0; i < targets.size(); i++) {
            RelayLocator.Target t = targets.get(i);
            RelayAccount account = new RelayAccount(t.host(), t.port(), authHost, who.user(), who.domain(), password,
                    tls, timeout);
            try {
                Authentication.Session s = new Authentication(account, console())
                        .askingAgain(c.credentials.askAgain()).signIn();
                MsrpPath path = s.advertisedPath();
                console().accept("Path to send in SDP:");
                out.println(path); // printed even when quiet: it is what the user must pass on
                out.flush();
                if (c.paths.pathFile != null) {
                    PathExchange.write(c.paths.pathFile, path);
                }
                return s;
            } catch (ClientException e) {
                if (e.kind() != ClientException.Kind.CONNECTION) {
                    throw e;
                }
                last = e;
                if (i < targets.size() - 1) {
                    console().accept(e.getMessage() + "; trying the next relay");
                }
            }
        }
        throw last;
    }

    /**
     * The peer's path, read on a thread of its own so that the wait ends
     * when {@code endsWait} does (a receiver whose transfer ended meanwhile)
     * or on a signal; a prompt it interrupts restores the terminal first.
     */
    MsrpPath peerPath(Authentication.Session session, Future<?> endsWait) throws ClientException, InterruptedException {
        CompletableFuture<MsrpPath> path = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                path.complete(PathExchange.read(c.paths, session.ownUri(), timeout, out, c.output.quiet));
            } catch (Throwable t) {
                path.completeExceptionally(t);
            }
        }, "path-reader");
        reader.setDaemon(true);
        interruption.watch(true);
        reader.start();
        try {
            while (true) {
                try {
                    return path.get(100, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    boolean ended = endsWait != null && endsWait.isDone();
                    if (ended || interruption.signalled()) {
                        reader.interrupt();
                        reader.join(1000);
                        if (ended) {
                            rethrow(endsWait);
                        }
                        throw new ClientException(ClientException.Kind.INTERRUPTED,
                                "interrupted while waiting for the destination path");
                    }
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            interruption.watch(false);
        }
    }

    private static void rethrow(Future<?> ended) throws ClientException, InterruptedException {
        try {
            ended.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClientException c) {
                throw c;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private List<RelayLocator.Target> locate() throws ClientException {
        try {
            return new RelayLocator(c.connection.dnsServer, timeout).locate(who.domain());
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.CONNECTION, "DNS lookup for " + who.domain() + " failed: "
                    + e.getMessage(), e);
        } catch (RelayLocator.NoServiceException e) {
            throw new ClientException(ClientException.Kind.CONNECTION, e.getMessage());
        }
    }

    /** The exit code for a client failure, after printing its one line. */
    int exit(ClientException e) {
        System.err.println(tool + ": " + e.getMessage());
        if (c.output.verbose && e.getCause() != null) {
            e.getCause().printStackTrace();
        }
        return switch (e.kind()) {
            case CONNECTION -> ExitCodes.CONNECTION;
            case TLS -> ExitCodes.TLS;
            case AUTHENTICATION -> ExitCodes.AUTHENTICATION;
            case TRANSFER -> ExitCodes.TRANSFER;
            case TIMEOUT -> ExitCodes.TIMEOUT;
            case LOCAL_FILE -> ExitCodes.LOCAL_FILE;
            case UNCONFIRMED -> ExitCodes.UNCONFIRMED;
            case INTERRUPTED -> interruption.exitCode();
        };
    }

    /** "Sent 396 bytes in 0 seconds, (2.56 kb/s)", as the original clients print it. */
    static String originalRate(String verb, long bytes, long nanos) {
        double seconds = Math.max(1e-6, nanos / 1e9);
        return String.format("%s %d bytes in %d seconds, (%.2f kb/s)", verb, bytes, (long) seconds,
                bytes * 8 / 1000.0 / seconds);
    }
}
