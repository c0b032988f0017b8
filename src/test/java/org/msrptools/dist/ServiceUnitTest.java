package org.msrptools.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.msrptools.relay.RelayConfig;

/** dist/msrp-relay.service: what systemd thinks of it, and the settings issue 14 asks for. */
class ServiceUnitTest {

    private static final Path CHECKOUT = Path.of("").toAbsolutePath();
    private static final Path UNIT = CHECKOUT.resolve("dist/msrp-relay.service");
    /** Where the unit's ExecStart expects the checkout (README, "As a systemd service"). */
    private static final String INSTALLED = "/opt/msrp-tools";
    private static final Pattern SECTION = Pattern.compile("\\[(.+)]");

    /**
     * systemd-analyze verify insists that ExecStart's program exists (its --root does not cover
     * that in systemd 252), so it runs in a private mount namespace where this checkout is bind-mounted
     * at /opt/msrp-tools: the launcher checked is the real one, the unit the file as shipped, and the
     * machine's /opt is not touched.
     */
    private static final String AT_INSTALLED_PATH = "set -e; mount -t tmpfs -o mode=0755 tmpfs /opt; "
            + "mkdir " + INSTALLED + "; mount --bind \"$1\" " + INSTALLED + "; shift; exec \"$@\"";

    @Test
    void systemdAnalyzeVerifyFindsNothingToSay() throws Exception {
        Path analyze = onPath("systemd-analyze");
        Assumptions.assumeTrue(analyze != null, "systemd-analyze is not installed (Debian: apt-get install systemd)");
        Run namespace = atInstalledPath("true");
        Assumptions.assumeTrue(namespace.exit() == 0,
                "cannot bind-mount the checkout at " + INSTALLED + " in a private mount namespace (unshare): "
                        + namespace.output());

        // --recursive-errors=no: the exit code judges this unit, not the machine's own units.
        Run verify = atInstalledPath(analyze.toString(), "verify", "--man=no", "--recursive-errors=no", UNIT.toString());

        assertThat(verify.output().lines().filter(l -> l.contains("msrp-relay")))
                .as("systemd-analyze verify said:%n%s", verify.output()).isEmpty();
        assertThat(verify.exit()).as("systemd-analyze verify said:%n%s", verify.output()).isZero();
    }

    @Test
    void theServiceRunsTheRelayUnprivilegedOnItsStateDirectory() throws IOException {
        Map<String, List<String>> service = section("Service");

        String user = service.getOrDefault("DynamicUser", List.of()).contains("yes") ? "a dynamic user"
                : String.join(",", service.getOrDefault("User", List.of("root")));
        assertThat(user).as("DynamicUser=yes or a User= other than root").isNotIn("root", "0");
        assertThat(service.get("StateDirectory")).containsExactly("msrp-relay");
        assertThat(service.get("ExecStart")).singleElement().asString()
                .startsWith(INSTALLED + "/bin/msrp-relay ")
                .containsPattern("--state-dir (\\$\\{STATE_DIRECTORY}|%S/msrp-relay)( |$)");
        assertThat(service.get("NoNewPrivileges")).containsExactly("yes");
        assertThat(service.get("ProtectSystem")).containsExactly("strict");
        // The JIT writes code into memory and runs it: the relay would not start.
        assertThat(service.getOrDefault("MemoryDenyWriteExecute", List.of())).doesNotContain("yes", "true", "on", "1");
    }

    @Test
    void aFailureRestartsItAndAStopLeavesTheRelayItsGrace() throws IOException {
        Map<String, List<String>> service = section("Service");

        assertThat(service.get("Restart")).containsExactly("on-failure");
        assertThat(service.getOrDefault("KillSignal", List.of("SIGTERM"))).containsExactly("SIGTERM");
        assertThat(service.get("TimeoutStopSec")).singleElement().asString().matches("\\d+s?");
        long timeoutStop = Long.parseLong(service.get("TimeoutStopSec").get(0).replace("s", ""));
        assertThat(timeoutStop).isGreaterThan(RelayConfig.Defaults.SHUTDOWN_GRACE_SECONDS);
    }

    /** The values of one section, repeated keys in file order; comments and blank lines skipped. */
    private static Map<String, List<String>> section(String name) throws IOException {
        Map<String, List<String>> values = new HashMap<>();
        String current = null;
        for (String line : Files.readAllLines(UNIT, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            Matcher header = SECTION.matcher(l);
            if (header.matches()) {
                current = header.group(1);
            } else if (name.equals(current) && l.contains("=")) {
                values.computeIfAbsent(l.substring(0, l.indexOf('=')).strip(), k -> new ArrayList<>())
                        .add(l.substring(l.indexOf('=') + 1).strip());
            }
        }
        assertThat(values).as("section [%s] of %s", name, UNIT).isNotEmpty();
        return values;
    }

    private record Run(int exit, String output) {
    }

    /** The command, its output and exit code, with this checkout at /opt/msrp-tools. */
    private static Run atInstalledPath(String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount"));
        if (!runsAsRoot()) {
            argv.addAll(List.of("--user", "--map-root-user"));
        }
        argv.addAll(List.of("sh", "-c", AT_INSTALLED_PATH, "sh", CHECKOUT.toString()));
        argv.addAll(List.of(command));
        Path output = Files.createTempFile("msrp-relay-unit", ".out");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(argv + " did not end within 30 s");
            }
            return new Run(p.exitValue(), Files.readString(output));
        } catch (IOException e) {
            return new Run(-1, e.getMessage());
        } finally {
            Files.delete(output);
        }
    }

    private static boolean runsAsRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    }

    private static Path onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst().orElse(null);
    }
}
