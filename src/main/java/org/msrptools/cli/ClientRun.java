package org.msrptools.cli;

import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.msrptools.client.Authentication;
import org.msrptools.client.ClientException;
import org.msrptools.client.ProcessStops;
import org.msrptools.client.RelayAccount;
import org.msrptools.dns.RelayLocator;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.PrintableText;

/**
 * The part of a client run both tools share, in the original clients'
 * order: password, relay, AUTH, "Path to send in SDP:", the peer's path.
 * Everything the command line says is checked when this is made, before
 * the password is asked; a --path-file left by an earlier run goes then too.
 */
final class ClientRun implements AutoCloseable {

    /** The wait for the peer's path ends this long before the relay ends the session, so ours is the word. */
    static final Duration SESSION_MARGIN = Duration.ofSeconds(5);
    /** How long a terminal read that failed waits for the hangup's signal, which says how the tool was stopped. */
    private static final Duration HANGUP_AFTER_READ_FAILED = Duration.ofMillis(500);

    private final ClientCommand c;
    private final String tool;
    private final UserAtDomain who;
    /** RELAY_HOST without a port it carried; null when not given. */
    private final String relayHost;
    private final Integer relayPort;
    private final SslContext tls;
    /**
     * When this side started, as the user sees it: the process's launch (the
     * JVM takes a few hundred ms to reach here, more on a busy machine, and a
     * peer path file copied in meanwhile was taken for a leftover: found by
     * a new user).
     */
    private final Instant started = launched(System.getenv("MSRP_LAUNCHED"),
            ProcessHandle.current().info().startInstant().orElse(null), Instant.now());
    private final OwnPathFile ownPathFile;
    /** How often the peer's path was asked for: from the second time, its timeout says "again". */
    private int pathsAsked;
    final Duration timeout;
    final Duration peerTimeout;
    final Screen screen;
    final Interruption interruption;

    ClientRun(ClientCommand command, String tool) {
        this.c = command;
        this.tool = tool;
        Logging.configure(command.output.verbose);
        // First: whatever ends this run from here on, before it has a path too, the peer learns it from the file;
        // a bad --to-path as well (found by review: the peer of an end that stopped there waited out its timeout).
        command.paths.checkPathFile();
        this.ownPathFile = command.paths.pathFile == null ? null : OwnPathFile.claim(command.paths.pathFile);
        // Next: a signal from here on is said in a line (found by a new user: a SIGTERM while the TLS context was
        // made ended the tool without a word).
        this.interruption = Interruption.ofSignals(tool);
        command.paths.check();
        this.who = UserAtDomain.parse(command.relay.account);
        if (command.relay.host == null && command.relay.port != null) {
            throw new CliException(ExitCodes.USAGE, "RELAY_PORT needs RELAY_HOST");
        }
        // RELAY_HOST may carry the port, as the relay prints where it listens (127.0.0.1:2855).
        HostPort given = command.relay.host == null ? null : HostPort.parse(command.relay.host, -1, 1);
        if (given != null && given.port() >= 0 && command.relay.port != null) {
            throw new CliException(ExitCodes.USAGE, "the relay's port is given twice: in '" + command.relay.host
                    + "' and as RELAY_PORT");
        }
        this.relayHost = given == null ? null : given.host();
        if (relayHost != null && relayHost.contains(":") && !NetUtil.isValidIpV6Address(relayHost)) {
            throw new CliException(ExitCodes.USAGE, "bad relay '" + command.relay.host + "': give HOST, HOST:PORT, "
                    + "or an IPv6 address (in brackets with a port: [::1]:2855)");
        }
        this.relayPort = command.relay.port != null ? Integer.valueOf(HostPort.port(command.relay.port, 1))
                : given != null && given.port() >= 0 ? Integer.valueOf(given.port()) : null;
        command.connection.check();
        this.timeout = command.connection.timeout();
        this.peerTimeout = command.connection.peerTimeout();
        this.tls = command.trust.context();
        this.screen = new Screen(command.output.quiet);
    }

    /**
     * When this process was launched: the launcher's {@code MSRP_LAUNCHED}
     * (bash's EPOCHREALTIME, "SECONDS.MICROS", the point as the locale
     * writes it) when it agrees with what Linux says, else what Linux says,
     * which counts from a boot time in whole seconds and so may be up to a
     * second early (found by review: an earlier run's path file written 15
     * ms before this side's launch was taken for this run's). One inherited
     * from another command launched earlier does not agree, and is passed
     * over.
     */
    static Instant launched(String launcher, Instant linux, Instant now) {
        if (launcher != null && launcher.matches("\\d{1,12}[.,]\\d{6}")) {
            Instant at = Instant.ofEpochSecond(Long.parseLong(launcher.substring(0, launcher.length() - 7)),
                    Long.parseLong(launcher.substring(launcher.length() - 6)) * 1000);
            boolean agrees = linux == null || !at.isBefore(linux.minusMillis(50)) && !at.isAfter(linux.plusMillis(1050));
            if (agrees && !at.isAfter(now)) {
                return at;
            }
        }
        return linux != null ? linux : now;
    }

    /** Signs in to the first relay that answers; prints and writes this side's path. */
    Authentication.Session signIn() throws ClientException, InterruptedException {
        String password = c.credentials.password();
        List<RelayLocator.Target> targets;
        String authHost;
        if (relayHost != null) {
            targets = List.of(new RelayLocator.Target(relayHost, relayPort == null ? RelayLocator.DEFAULT_PORT
                    : relayPort));
            authHost = MsrpUri.bracketed(relayHost); // an IPv6 address as a URI writes it
        } else {
            targets = locate();
            authHost = who.domain(); // so a relay serving several domains knows the realm
        }
        ClientException last = null;
        for (int i = 0; i < targets.size(); i++) {
            RelayLocator.Target t = targets.get(i);
            RelayAccount account = new RelayAccount(t.host(), t.port(), authHost, who.user(), who.domain(), password,
                    tls, timeout, t.address());
            try {
                Authentication.Session s = new Authentication(account, screen::say)
                        .askingAgain(c.credentials.askAgain()).signIn();
                MsrpPath path = s.advertisedPath();
                screen.say(PathExchange.PATH_LABEL);
                screen.line(path.toString()); // printed even when quiet: it is what the user must pass on
                if (ownPathFile != null) {
                    ownPathFile.write(path);
                }
                return s;
            } catch (ClientException e) {
                // RFC 2782: a target that fails is passed over for the next. A certificate that fails too: the
                // next is verified the same way (found by a new user: an expired one ended the run).
                if (e.kind() != ClientException.Kind.CONNECTION && e.kind() != ClientException.Kind.TLS) {
                    throw e;
                }
                last = e;
                if (i < targets.size() - 1) {
                    screen.say(e.getMessage() + "; trying the next relay");
                }
            }
        }
        throw last;
    }

    /**
     * The peer's path, read on a thread of its own so that the wait ends
     * when {@code endsWait} does (a receiver whose transfer ended meanwhile),
     * on a signal or Ctrl-C at the prompt, after --peer-timeout, or shortly
     * before the relay ends this side's session (after that its path leads
     * nowhere); a prompt it interrupts restores the terminal first. Null
     * when {@code endsWait} completes well first (a receiver that asked again
     * is getting the file from the path given before).
     */
    MsrpPath peerPath(Authentication.Session session, Future<?> endsWait) throws ClientException, InterruptedException {
        long begun = System.nanoTime();
        boolean again = pathsAsked++ > 0;
        CompletableFuture<MsrpPath> path = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                path.complete(PathExchange.read(c.paths, session.ownUri(), started, screen));
            } catch (Throwable t) {
                path.completeExceptionally(t);
            }
        }, "path-reader");
        reader.setDaemon(true);
        interruption.watch(true);
        reader.start();
        boolean given = false;
        try {
            while (true) {
                try {
                    MsrpPath p = path.get(100, TimeUnit.MILLISECONDS);
                    given = true;
                    return p;
                } catch (TimeoutException e) {
                    // Looked at each time: a relay that stops taking this side's refreshes ends the session as
                    // granted, and then this side's path leads nowhere, whatever --peer-timeout says.
                    Duration waited = Duration.ofNanos(System.nanoTime() - begun);
                    boolean sessionFirst = !session.refreshed()
                            && session.left().minus(SESSION_MARGIN).plus(waited).compareTo(peerTimeout) < 0;
                    boolean signalled = interruption.signalled(); // first: a signal also ends the receiver's wait
                    boolean ended = endsWait != null && endsWait.isDone();
                    boolean late = sessionFirst ? session.left().compareTo(SESSION_MARGIN) <= 0
                            : waited.compareTo(peerTimeout) > 0;
                    if (signalled || ended || late) {
                        reader.interrupt();
                        reader.join(1000);
                        if (signalled) {
                            throw interrupted();
                        }
                        if (ended) {
                            rethrow(endsWait);
                            return null;
                        }
                        throw new ClientException(ClientException.Kind.TIMEOUT, noPath(session, sessionFirst,
                                sessionFirst ? waited : peerTimeout, again));
                    }
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof CliException ctrlC && ctrlC.exitCode() == ExitCodes.INTERRUPTED) {
                        interruption.raise(ExitCodes.INTERRUPTED); // as a SIGINT would: the transfer winds down
                        throw interrupted();
                    }
                    if (e.getCause() instanceof java.io.IOError) {
                        // The terminal closed: its read fails, and its SIGHUP may come a moment later. As that
                        // signal (found by review: an internal error, exit 1, where a hangup is 129).
                        if (!interruption.awaitSignal(HANGUP_AFTER_READ_FAILED)) {
                            interruption.raise(ExitCodes.HUNG_UP);
                        }
                        throw interrupted();
                    }
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (!given) {
                // Given a path, the watch goes on until the caller hands signals over to the transfer, which then
                // tells the peer of one that came in between (found by a new user: a SIGTERM there ended msrp-send
                // at once, and the receiver, which had its path, waited out its timeout).
                interruption.watch(false);
            }
        }
    }

    private static ClientException interrupted() {
        return new ClientException(ClientException.Kind.INTERRUPTED,
                "interrupted while waiting for the destination path");
    }

    /** Why no path came: how long was waited, and when the relay's session was what ran out. */
    private String noPath(Authentication.Session session, boolean sessionFirst, Duration waited, boolean again) {
        String what = c.paths.peerPathFile != null
                ? "the peer's path did not appear in " + c.paths.peerPathFile + " within " + waited.toSeconds() + " s"
                + PeerPathFile.passedOver(c.paths.peerPathFile, started)
                : "no destination path was given " + (again ? "again " : "") + "within " + waited.toSeconds() + " s";
        if (!sessionFirst) {
            return what + " (--peer-timeout)";
        }
        return what + ": the relay ends this side's session sooner than --peer-timeout " + peerTimeout.toSeconds()
                + " s (" + session.lifetimeSaid() + "), and this side's path leads nowhere after that; start both ends "
                + "again and swap the paths sooner";
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
            return new RelayLocator(c.connection.dnsServer(), timeout).locate(who.domain());
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.CONNECTION, "no relay found for " + who.domain() + ": "
                    + e.getMessage(), e);
        } catch (RelayLocator.NoServiceException e) {
            throw new ClientException(ClientException.Kind.CONNECTION, e.getMessage());
        }
    }

    /** The exit code for a client failure, after printing its one line. */
    int exit(ClientException e) {
        screen.endLine();
        long stopped = ProcessStops.seconds();
        boolean peersDoing = e.kind() == ClientException.Kind.TRANSFER || e.kind() == ClientException.Kind.TIMEOUT
                || e.kind() == ClientException.Kind.CONNECTION;
        System.err.println(tool + ": " + PrintableText.of(e.getMessage()) // it may quote the relay or the peer
                + (stopped > 0 && peersDoing ? " (this side was stopped, Ctrl-Z or SIGSTOP, for " + stopped + " s "
                + "meanwhile: the other side or the relay may have given up waiting for it)" : ""));
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

    /** This side's path file goes: the run is over; what is printed next starts a line. */
    @Override
    public void close() {
        screen.endLine();
        if (ownPathFile != null) {
            ownPathFile.close();
        }
    }
}
