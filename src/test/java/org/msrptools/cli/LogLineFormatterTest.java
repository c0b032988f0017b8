package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.msrptools.relay.LogEvent;

/** The two log formats: a person's line and a log shipper's JSON object, each one line whatever the values hold. */
class LogLineFormatterTest {

    private static LogRecord eventRecord() {
        LogEvent e = LogEvent.of("auth_failed").with("user", "bob@example.com").with("address", "203.0.113.7")
                .with("reason", "bad \"digest\" \\ here\nand there\u0001").with("attempt", 2);
        LogRecord r = new LogRecord(Level.WARNING, e.toString());
        r.setParameters(new Object[] {e});
        r.setInstant(Instant.parse("2026-11-27T20:04:48.153Z"));
        return r;
    }

    @Test
    void anEventIsOneLineOfKeyValuePairsWithQuotedValuesWhereNeeded() {
        String line = new LogLineFormatter(false).format(eventRecord());
        assertThat(line).endsWith(" WARNING event=auth_failed user=bob@example.com address=203.0.113.7 "
                + "reason=\"bad \\\"digest\\\" \\\\ here?and there?\" attempt=2" + System.lineSeparator());
        assertThat(line.lines()).hasSize(1);
    }

    @Test
    void anEventIsOneJsonObjectWithNumbersAsNumbers() {
        String line = new LogLineFormatter(true).format(eventRecord());
        assertThat(line).isEqualTo("{\"time\":\"2026-11-27T20:04:48.153Z\",\"level\":\"WARNING\","
                + "\"event\":\"auth_failed\",\"user\":\"bob@example.com\",\"address\":\"203.0.113.7\","
                + "\"reason\":\"bad \\\"digest\\\" \\\\ here?and there?\",\"attempt\":2}" + System.lineSeparator());
    }

    @Test
    void otherRecordsKeepTheirLoggerAndAStackTraceIsEscapedIntoTheObject() {
        LogRecord r = new LogRecord(Level.WARNING, "pool \"accounts\" failed");
        r.setLoggerName("com.zaxxer.hikari.pool.HikariPool");
        r.setThrown(new IllegalStateException("down"));
        r.setInstant(Instant.parse("2026-11-27T20:04:48.153Z"));
        String json = new LogLineFormatter(true).format(r);
        assertThat(json).startsWith("{\"time\":\"2026-11-27T20:04:48.153Z\",\"level\":\"WARNING\","
                + "\"logger\":\"com.zaxxer.hikari.pool.HikariPool\",\"message\":\"pool \\\"accounts\\\" failed\","
                + "\"stack\":\"java.lang.IllegalStateException: down\\n\\tat ");
        assertThat(json.lines()).hasSize(1);
        assertThat(new LogLineFormatter(false).format(r)).contains(" WARNING com.zaxxer.hikari.pool.HikariPool: "
                + "pool \"accounts\" failed" + System.lineSeparator() + "java.lang.IllegalStateException: down");
    }
}
