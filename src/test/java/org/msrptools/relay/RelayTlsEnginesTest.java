package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.testing.TestPeer;
import org.msrptools.testing.TestRelay;
import org.msrptools.tls.TlsEngine;

/** Every selectable TLS engine carries AUTH and a message (clients stay on the JDK's engine). */
class RelayTlsEnginesTest {

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void engineWorks(TlsEngine engine) throws Exception {
        Assumptions.assumeTrue(engine.available(), engine + " is not available here");
        TestRelay.Settings s = new TestRelay.Settings();
        s.config.tlsEngine(engine);
        try (TestRelay relay = TestRelay.start(s);
             TestPeer alice = TestPeer.signedIn(relay, "alice");
             TestPeer bob = TestPeer.signedIn(relay, "bob")) {
            byte[] body = new byte[200_000];
            MsrpRequest send = alice.sendTo(bob.path(), new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, "e")
                    .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, body.length, body.length))
                    .add(MsrpHeaders.CONTENT_TYPE, "application/octet-stream"));
            alice.send(send, body, Continuation.COMPLETE);
            assertThat(alice.response(send.transactionId(), Duration.ofSeconds(10)).code()).isEqualTo(200);
            assertThat(bob.request(MsrpMethod.SEND, Duration.ofSeconds(10)).bytes()).isEqualTo(body.length);
        }
    }
}
