package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.testing.RelayProcess;
import org.msrptools.testing.TestPeer;
import org.msrptools.tls.TlsContexts;

/**
 * The relay streams: started with a 64 MiB heap, it carries a 2 GiB
 * message sent as one single chunk (the hardest case: nothing may be held
 * per message). The test passes only if every byte arrives intact.
 */
class RelayMemoryIT {

    private static final long TWO_GIB = 2L << 30;

    /** Cheap non-repeating bytes: a random block, varied by a counter per piece. */
    static final class Pattern extends Random {
        private final byte[] block = new byte[64 * 1024];
        private long counter;

        Pattern(long seed) {
            new Random(seed).nextBytes(block);
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(block, 0, bytes, 0, Math.min(bytes.length, block.length));
            long c = counter++;
            for (int i = 0; i < 8 && i < bytes.length; i++) {
                bytes[i] ^= (byte) (c >>> (8 * i));
            }
        }
    }

    @Test
    void twoGibThroughARelayWith64MibOfHeap(@TempDir Path work) throws Exception {
        try (RelayProcess relay = RelayProcess.start(work.resolve("relay"), List.of("-Xmx64m"))) {
            var tls = TlsContexts.client(relay.cert(), false);
            try (TestPeer alice = TestPeer.signedIn(relay.port, tls, "alice");
                 TestPeer bob = TestPeer.signedIn(relay.port, tls, "bob")) {
                MsrpHeaders h = new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "huge")
                        .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, TWO_GIB, TWO_GIB))
                        .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream");
                MsrpRequest send = alice.sendTo(bob.path(), h);
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                alice.stream(send, TWO_GIB, new Pattern(11), md, Continuation.COMPLETE);
                assertThat(alice.response(send.transactionId(), Duration.ofSeconds(120)).code()).isEqualTo(200);
                TestPeer.Received got = bob.request(MsrpMethod.SEND, Duration.ofSeconds(120));
                assertThat(got.bytes()).isEqualTo(TWO_GIB);
                assertThat(got.sha256()).isEqualTo(HexFormat.of().formatHex(md.digest()));
                assertThat(relay.tool.isAlive()).isTrue();
                assertThat(relay.tool.output()).doesNotContain("OutOfMemoryError");
            }
        }
    }
}
