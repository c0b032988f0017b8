package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SecondsTest {

    @Test
    void timesAsPeopleTypeThem() {
        Seconds seconds = new Seconds();
        assertThat(seconds.convert("90")).isEqualTo(90L);
        assertThat(seconds.convert("90s")).isEqualTo(90L);
        assertThat(seconds.convert("5m")).isEqualTo(300L);
        assertThat(seconds.convert(" 2 H")).isEqualTo(7200L);
        assertThat(seconds.convert("365d")).isEqualTo(Seconds.MOST);
        assertThat(seconds.convert("00000000000090")).isEqualTo(90L);
        for (String bad : new String[] {"", "5x", "1.5m", "m"}) {
            assertThatThrownBy(() -> seconds.convert(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessage("'" + bad + "' is not a time in seconds (a number, or one with s, m, h or d: e.g. 90, 5m)");
        }
        assertThatThrownBy(() -> seconds.convert("-5")).hasMessageContaining("it is negative");
        for (String tooLong : new String[] {"366d", "31536001", "99999999999", "9223372036854775807",
            "99999999999999999999999d"}) {
            assertThatThrownBy(() -> seconds.convert(tooLong)).as(tooLong)
                    .hasMessage("'" + tooLong + "' is more than a year (31536000 seconds)");
        }
    }

    @Test
    void everyTimeOptionTakesThem() {
        RelayCommand relay = new RelayCommand();
        new CommandLine(relay).parseArgs("--idle-timeout", "5m", "--max-expires", "2h", "--shutdown-grace", "0");
        assertThat(relay.idleTimeout).isEqualTo(300);
        assertThat(relay.maxExpires).isEqualTo(7200);
        ReceiveCommand receive = new ReceiveCommand();
        new CommandLine(receive).parseArgs("bob@example.com", "--timeout", "2m", "--peer-timeout", "1h");
        assertThat(receive.connection.timeout).isEqualTo(120);
        assertThat(receive.connection.peerTimeout).isEqualTo(3600);
    }
}
