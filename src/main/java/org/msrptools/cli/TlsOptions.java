package org.msrptools.cli;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import org.msrptools.client.FileProblem;
import org.msrptools.tls.TlsContexts;
import org.msrptools.tls.TlsEngine;
import picocli.CommandLine.Option;

/** A client's TLS: which relay certificates it trusts, and the engine that runs it. */
final class TlsOptions {

    /**
     * What a client can run on: BoringSSL, the cheapest per byte and the
     * quickest to shake hands (msrp-bench), and the JDK's, which always runs.
     * Bouncy Castle's engines stay the relay's, for comparisons.
     */
    static final List<TlsEngine> ENGINES = List.of(TlsEngine.OPENSSL, TlsEngine.JDK);

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust these CA certificates for the relay, besides the system's.")
    Path caFile;

    @Option(names = "--insecure", description = "Do not verify the relay's certificate (lab relays only).")
    boolean insecure;

    @Option(names = "--tls-engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "TLS implementation: openssl (BoringSSL) or jdk; default ${DEFAULT-VALUE}: openssl where "
                    + "its native library loads, else jdk. The relay's certificate is checked alike on both.")
    String engine;

    /**
     * Starts, on threads of their own while the command line is read, what
     * the TLS context will need and takes longer than the rest of a client's
     * start: BoringSSL's native library and the probe of what it supports
     * (not when the command line asks for the JDK's engine), and the CA
     * certificates the handshake will consult (none with --insecure).
     */
    static void preload(String[] args) {
        boolean jdk = false;
        boolean insecure = false;
        boolean caFile = false;
        for (int i = 0; i < args.length; i++) {
            jdk |= args[i].equalsIgnoreCase("--tls-engine=jdk")
                    || args[i].equals("--tls-engine") && i + 1 < args.length && args[i + 1].equalsIgnoreCase("jdk");
            insecure |= args[i].equals("--insecure");
            caFile |= args[i].equals("--ca-file") || args[i].startsWith("--ca-file=");
        }
        if (!jdk) {
            Thread t = new Thread(TlsEngine.OPENSSL::available, "tls-preload");
            t.setDaemon(true);
            t.start();
        }
        if (!insecure) {
            TlsContexts.preloadTrust(caFile);
        }
    }

    /** The engine, checked before anything else happens: an unknown or missing one is a usage error. */
    TlsEngine engine() {
        try {
            return TlsEngine.select(engine, ENGINES);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--tls-engine: " + e.getMessage());
        }
    }

    /**
     * The client's TLS context; a --ca-file that cannot be read is a local
     * file error. --ca-file with --insecure is a usage error: one asks to
     * verify against a CA, the other not to verify at all, and a script
     * that says both should not silently get the weaker.
     */
    SslContext context() {
        TlsEngine chosen = engine();
        if (insecure && caFile != null) {
            throw new CliException(ExitCodes.USAGE, "--insecure and --ca-file exclude each other: --ca-file verifies "
                    + "the relay's certificate against that CA, --insecure does not verify it at all");
        }
        try {
            if (insecure) {
                System.err.println("WARNING: --insecure: the relay's certificate is not verified; "
                        + "anyone on the path can read and change the transfer.");
            }
            return TlsContexts.client(caFile, insecure, chosen);
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot load --ca-file " + caFile + ": " + FileProblem.of(e), e);
        } catch (GeneralSecurityException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot load --ca-file " + caFile + ": " + e.getMessage(), e);
        }
    }
}
