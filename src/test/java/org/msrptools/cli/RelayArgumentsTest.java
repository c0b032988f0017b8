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

    /** Each --help lists the exit codes its command can end with: the relay's are not the clients'. */
    @Test
    void theRelaysHelpListsItsOwnExitCodes() {
        String relay = new CommandLine(new RelayCommand()).getUsageMessage();
        assertThat(relay).contains("Exit codes:", "0  stopped in order", "3  cannot listen", "8  local file error")
                .doesNotContain("authentication failed", "did not confirm delivery");
        assertThat(new CommandLine(new SendCommand()).getUsageMessage()).contains("5  authentication failed",
                "9  sent, but the receiver did not confirm").doesNotContain("cannot listen");
        assertThat(new CommandLine(new ReceiveCommand()).getUsageMessage()).contains("8  local file error", "130  ")
                .doesNotContain("  9  ");
    }

    /** Every command's --help lists --version, so every one answers it (passwd printed nothing: found by a new user). */
    @Test
    void everyCommandSaysItsVersion() {
        for (String[] args : new String[][] {{"--version"}, {"passwd", "--version"}}) {
            CommandLine cl = new CommandLine(new RelayCommand());
            java.io.StringWriter out = new java.io.StringWriter();
            cl.setOut(new java.io.PrintWriter(out));
            assertThat(cl.execute(args)).isZero();
            assertThat(out.toString()).as(String.join(" ", args)).startsWith("msrp-tools ");
        }
    }

    /** A bad value the config file gave is said to be from there; one of the command line is not. */
    @Test
    @org.junit.jupiter.api.Timeout(30) // a relay that started anyway (on loopback) would not end by itself
    void aBadValueFromTheConfigFileNamesTheFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("relay.conf"), "idle-timeout=5x\n");
        String[] loopback = {"--listen", "127.0.0.1:0", "--state-dir", dir.toString()};
        for (String[] given : new String[][] {{"--config", config.toString()},
            {"--config", config.toString(), "--idle-timeout=6x"}}) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(loopback),
                    java.util.Arrays.stream(given)).toArray(String[]::new);
            CommandLine cl = new CommandLine(new RelayCommand());
            cl.setDefaultValueProvider(new ConfigFileDefaults()); // as MsrpTool.execute does
            CommandErrors.install(cl);
            java.io.StringWriter err = new java.io.StringWriter();
            cl.setErr(new java.io.PrintWriter(err));
            assertThat(cl.execute(args)).isEqualTo(ExitCodes.USAGE);
            if (given.length == 2) {
                assertThat(err.toString()).contains("'5x' is not a time in seconds").contains("(in the config file "
                        + config + ")");
            } else {
                assertThat(err.toString()).contains("'6x'").doesNotContain("config file");
            }
        }
    }

    /** A value the command refuses after parsing names the config file too, for the options that came from it. */
    @Test
    @org.junit.jupiter.api.Timeout(30) // a relay that started anyway (on loopback) would not end by itself
    void aRefusedValueFromTheConfigFileNamesTheFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("relay.conf"), "max-expires=10\n");
        CommandLine cl = new CommandLine(new RelayCommand());
        cl.setDefaultValueProvider(new ConfigFileDefaults());
        CommandErrors.install(cl);
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err));
        assertThat(cl.execute("--listen", "127.0.0.1:0", "--state-dir", dir.toString(), "--config",
                config.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--max-expires 10 is below --min-expires 60 (--max-expires: from the "
                + "config file " + config + ")");
    }

    /** An option of msrp-relay given after passwd says where it goes. */
    @Test
    void aRelayOptionAfterPasswdSaysWhereItGoes() {
        CommandLine cl = new CommandLine(new RelayCommand());
        CommandErrors.install(cl);
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err));
        assertThat(cl.execute("passwd", "--config", "relay.conf", "alice@example.com")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("'--config' is an option of msrp-relay: give it before 'passwd'");
    }

    /** A count too large for the relay says so, not only that it is "not an int". */
    @Test
    void aNumberOutOfRangeIsSaidToBeOne() {
        CommandLine cl = new CommandLine(new RelayCommand());
        CommandErrors.install(cl);
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err));
        assertThat(cl.execute("--max-connections", "3000000000")).isEqualTo(ExitCodes.USAGE);
        assertThat(cl.execute("--max-connections-per-address", "ten")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("'3000000000' is too large (at most 2147483647)",
                "'ten' is not a whole number").doesNotContain("not an int");
    }
}
