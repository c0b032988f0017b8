package org.msrptools.bench;

import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import org.msrptools.tls.TlsContexts;

/** Many authenticated, idle sessions: how fast they sign in and what each costs the relay. */
final class SessionsPart extends Part {

    SessionsPart(BenchCommand options, Report report, Path work) {
        super(options, report, work);
    }

    @Override
    void run() throws Exception {
        int sessions = options.sessions;
        report.line("");
        report.line("4. Sessions: %d authenticated idle sessions (relay: fixed, pre-touched 256 MiB heap)", sessions);
        try (RelayUnderTest relay = RelayUnderTest.withFixedHeap(work.resolve("relay-sessions"), sessions,
                Endpoints.DEFAULT_ENGINE.toString(), options.fixedHeapJvm())) {
            SslContext tls = TlsContexts.client(relay.cert(), false);
            long heapBefore = relay.heapUsedAfterGc();
            long rssBefore = relay.rss();
            try (SessionFlood flood = new SessionFlood()) {
                double secs = flood.open(relay.port, tls, sessions, 64);
                long heap = relay.heapUsedAfterGc();
                long rss = relay.rss();
                report.line("   established in %.1f s: %.0f AUTH/s", secs, sessions / secs);
                report.line("   relay heap after GC %.1f MiB (%.1f MiB before: %.1f KiB a session), limit 256 MiB",
                        heap / (double) MIB, heapBefore / (double) MIB, (heap - heapBefore) / 1024.0 / sessions);
                report.line("   relay RSS %.1f MiB (%.1f MiB before: %.1f KiB a session)", rss / (double) MIB,
                        rssBefore / (double) MIB, (rss - rssBefore) / 1024.0 / sessions);
                report.put("sessions", sessions);
                report.put("sessions_auth_per_s", sessions / secs);
                report.put("sessions_heap_mib", heap / (double) MIB);
                report.put("sessions_heap_kib_each", (heap - heapBefore) / 1024.0 / sessions);
                report.put("sessions_rss_mib", rss / (double) MIB);
                report.put("sessions_rss_kib_each", (rss - rssBefore) / 1024.0 / sessions);
            }
        }
    }
}
