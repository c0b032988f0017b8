package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ByteSizeTest {

    @Test
    void sizesAsPeopleTypeThem() {
        ByteSize size = new ByteSize();
        assertThat(size.convert("10485760")).isEqualTo(10_485_760L);
        assertThat(size.convert("1k")).isEqualTo(1024L);
        assertThat(size.convert("10M")).isEqualTo(10L << 20);
        assertThat(size.convert("10MiB")).isEqualTo(10L << 20);
        assertThat(size.convert("2 GB")).isEqualTo(2L << 30);
        assertThat(size.convert("1T")).isEqualTo(1L << 40);
        assertThat(size.convert("100b")).isEqualTo(100L);
        for (String bad : new String[] {"", "1x", "-", "1.5M", "9999999999999999999", "8388608T"}) {
            assertThatThrownBy(() -> size.convert(bad)).as(bad).isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageStartingWith("'" + bad + "' is not a size in bytes");
        }
        assertThatThrownBy(() -> size.convert("-5")).hasMessage("'-5' is negative: a size is 0 bytes or more");
        assertThatThrownBy(() -> size.convert(" -64k")).hasMessage("' -64k' is negative: a size is 0 bytes or more");
        assertThatThrownBy(() -> new ByteSize.Int().convert("2G")).hasMessage("'2G' is more than 2147483647 bytes");
    }

    @Test
    void theOptionsTakeThem() {
        ReceiveCommand receive = new ReceiveCommand();
        new CommandLine(receive).parseArgs("bob@example.com", "--max-size", "1k");
        assertThat(receive.maxSize).isEqualTo(1024);
        SendCommand send = new SendCommand();
        new CommandLine(send).parseArgs("f", "alice@example.com", "--chunk-size", "64k");
        assertThat(send.chunkSize).isEqualTo(65536);
    }
}
