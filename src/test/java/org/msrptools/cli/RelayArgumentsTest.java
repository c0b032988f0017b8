package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The account and relay arguments, shared by both clients, each after what the command puts first. */
class RelayArgumentsTest {

    @Test
    void msrpSendTakesThemAfterTheFile() {
        SendCommand send = new SendCommand();
        new CommandLine(send).parseArgs("report.pdf", "alice@example.com", "relay.example.com", "2856");
        assertThat(send.file).hasToString("report.pdf");
        assertThat(send.relay.account).isEqualTo("alice@example.com");
        assertThat(send.relay.host).isEqualTo("relay.example.com");
        assertThat(send.relay.port).isEqualTo("2856");
    }

    @Test
    void msrpReceiveTakesThemFirstAndTheRelayIsOptional() {
        ReceiveCommand receive = new ReceiveCommand();
        new CommandLine(receive).parseArgs("bob@example.com");
        assertThat(receive.relay.account).isEqualTo("bob@example.com");
        assertThat(receive.relay.host).isNull();
        assertThat(receive.relay.port).isNull();
        String usage = new CommandLine(new ReceiveCommand()).getUsageMessage();
        assertThat(usage).contains("USER@DOMAIN            The account; you are asked for its password.",
                "[RELAY_HOST]", "[RELAY_PORT]");
    }
}
