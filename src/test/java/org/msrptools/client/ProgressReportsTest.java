package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.MsrpPath;

/**
 * How often the receiver confirms progress: the sender paces itself by
 * these REPORTs (a window of unconfirmed bytes), so their cadence is part
 * of the transfer's speed. Every 256 KiB while the first MiB comes (a
 * sender starting up hears soon), every 512 KiB after (each REPORT is a
 * TLS record and a wake-up at every hop), and one when the file is whole.
 */
class ProgressReportsTest {

    private static final MsrpPath SENDER = MsrpPath.parse("msrps://127.0.0.1:9/senderSession;tcp");
    private static final int CHUNK = 128 * 1024;
    private static final int TOTAL = 16 * CHUNK;
    private static final Pattern CONFIRMED = Pattern.compile("REPORT .*Byte-Range\\W+1-(\\d+)/" + TOTAL);

    @Test
    void progressIsConfirmedEveryQuarterMibThenEveryHalfMibAndWhenWhole(@TempDir Path dir) throws Exception {
        String body = "a".repeat(CHUNK);
        try (BareRelay bare = new BareRelay(dir, SENDER, true)) {
            for (int i = 0; i < TOTAL / CHUNK; i++) {
                String range = (i * CHUNK + 1) + "-" + (i + 1) * CHUNK + "/" + TOTAL;
                bare.send(BareRelay.chunk("tid" + (100 + i), SENDER, "file", range,
                        "Success-Report: yes\r\nFailure-Report: partial\r\n", body));
            }
            assertThat(bare.receiver.outcome()).succeedsWithin(Duration.ofSeconds(10));
            List<Long> confirmed = new ArrayList<>();
            for (String head = bare.nextHead(); head != null; head = bare.nextHead()) {
                Matcher m = CONFIRMED.matcher(head);
                if (m.find()) {
                    confirmed.add(Long.parseLong(m.group(1)));
                }
            }
            long kib = 1024;
            assertThat(confirmed).containsExactly(256 * kib, 512 * kib, 768 * kib, 1024 * kib, 1536 * kib,
                    (long) TOTAL);
        }
        assertThat(Files.size(dir.resolve("f.txt"))).isEqualTo(TOTAL);
    }
}
