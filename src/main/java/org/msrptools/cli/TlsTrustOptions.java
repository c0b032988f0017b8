package org.msrptools.cli;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.msrptools.tls.TlsContexts;
import picocli.CommandLine.Option;

/** Which relay certificates a client trusts. */
final class TlsTrustOptions {

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust these CA certificates for the relay, besides the system's.")
    Path caFile;

    @Option(names = "--insecure", description = "Do not verify the relay's certificate (lab relays only).")
    boolean insecure;

    /** The client's TLS context; a --ca-file that cannot be read is a local file error. */
    SslContext context() {
        try {
            if (insecure) {
                System.err.println("WARNING: --insecure: the relay's certificate is not verified; "
                        + "anyone on the path can read and change the transfer.");
            }
            return TlsContexts.client(caFile, insecure);
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException(ExitCodes.LOCAL_FILE, "cannot load --ca-file " + caFile + ": " + e.getMessage(), e);
        }
    }
}
