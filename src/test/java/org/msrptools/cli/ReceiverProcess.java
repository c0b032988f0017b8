package org.msrptools.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.Tool;

/** The real msrp-receive, as bob, for a sender made with the protocol package. */
final class ReceiverProcess {

    private ReceiverProcess() {
    }

    /** msrp-receive on the relay at 127.0.0.1:{@code port}, given {@code sender}'s path, storing into {@code out}. */
    static Tool start(int port, Path cert, TestPeer sender, Path out, String... options) throws Exception {
        return start(port, cert, sender.path(), out, options);
    }

    /** The same, given {@code senderPath} as the sender's path. */
    static Tool start(int port, Path cert, MsrpPath senderPath, Path out, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--to-path", senderPath.toString()));
        args.addAll(List.of(options));
        return withoutPath(port, cert, out, args.toArray(String[]::new));
    }

    /** msrp-receive not given the sender's path: it asks for it, unless {@code options} say where else to read it. */
    static Tool withoutPath(int port, Path cert, Path out, String... options) throws Exception {
        // RELAY_HOST with its port, as the relay prints where it listens.
        List<String> args = new ArrayList<>(List.of("msrp-receive", "bob@example.com", "127.0.0.1:" + port,
                "--ca-file", cert.toString(), "--output-dir", out.toString(), "--timeout", "20"));
        args.addAll(List.of(options));
        return Tool.start(Map.of("MSRP_PASSWORD", "bob-secret"), args.toArray(String[]::new));
    }

    /** The path the receiver printed, for the sender to send to. */
    static MsrpPath path(Tool receiver) throws InterruptedException {
        return MsrpPath.parse(receiver.await("^(msrps://\\S+ msrps://\\S+)$", Duration.ofSeconds(20)));
    }
}
