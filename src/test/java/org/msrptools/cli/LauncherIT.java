package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.msrptools.testing.RelayProcessExtension;
import org.msrptools.testing.Tool;

/**
 * The clients as bin/ starts them: on the class-data-sharing archive that
 * the build made for the jar, silently, unless MSRP_JAVA_OPTS replaces the
 * launcher's JVM options; and with BoringSSL loaded where the build unpacked
 * it, not from a copy out of the jar.
 */
class LauncherIT {

    private static final Path ARCHIVE = Path.of("target", "msrp-tools.jsa").toAbsolutePath();
    private static final Path BORINGSSL = Path.of("target", "native", "libnetty_tcnative_linux_x86_64.so")
            .toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RelayProcessExtension relay = new RelayProcessExtension();

    /** bin/msrp-receive, waiting for the sender's path after printing its own; its JVM's mapped files. */
    private static String mappedFiles(Map<String, String> env) throws Exception {
        return whileWaiting(env, pid -> Files.readString(Path.of("/proc", Long.toString(pid), "maps")));
    }

    private interface Look {
        String at(long pid) throws Exception;
    }

    /** What {@code look} sees of bin/msrp-receive's JVM while it waits for the sender's path. */
    private static String whileWaiting(Map<String, String> env, Look look) throws Exception {
        List<String> command = List.of("bin/msrp-receive", "alice@example.com", "127.0.0.1",
                Integer.toString(relay.port()), "--ca-file", relay.cert().toString(), "--peer-path-file",
                Files.createTempDirectory("launcher").resolve("never.path").toString());
        try (Tool t = Tool.run(env, command)) {
            t.await("^(msrps://\\S+ msrps://\\S+)$", WAIT);
            String maps = look.at(t.pid());
            assertThat(t.output()).as("nothing from the JVM about the archive").doesNotContain("warning")
                    .doesNotContain("shared archive");
            return maps;
        }
    }

    @Test
    void clientsStartOnTheArchiveTheBuildMade() throws Exception {
        assertThat(ARCHIVE).as("made at package").exists();
        assertThat(Files.getLastModifiedTime(ARCHIVE)).isGreaterThan(Files.getLastModifiedTime(Tool.JAR));
        assertThat(mappedFiles(Map.of("MSRP_PASSWORD", "alice-secret"))).contains(ARCHIVE.toString());
    }

    /**
     * The clients' JVM options are in effect: the launcher lets a JVM
     * without C2 ignore the C2 ones, which would hide a misspelt one too.
     */
    @Test
    void theClientsJvmOptionsAreInEffect() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String flags = whileWaiting(Map.of("MSRP_PASSWORD", "alice-secret"), pid -> {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.flags").redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        });
        assertThat(flags).contains("-XX:+UseSerialGC", "-XX:Tier4InvocationThreshold=50000",
                "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000",
                "-XX:Tier4BackEdgeThreshold=400000", "-XX:FreqInlineSize=100", "-XX:InlineSmallCode=1000",
                "-XX:MaxInlineLevel=9");
    }

    @Test
    void msrpJavaOptsReplacesTheLaunchersOptions() throws Exception {
        assertThat(mappedFiles(Map.of("MSRP_PASSWORD", "alice-secret", "MSRP_JAVA_OPTS", "")))
                .doesNotContain(ARCHIVE.toString())
                .as("not a tuning option: kept").contains(BORINGSSL.toString());
    }

    @Test
    void boringSslIsLoadedWhereTheBuildUnpackedIt() throws Exception {
        assertThat(BORINGSSL).as("unpacked at package").exists();
        assertThat(mappedFiles(Map.of("MSRP_PASSWORD", "alice-secret"))).contains(BORINGSSL.toString())
                .doesNotContain("/tmp/libnetty_tcnative");
    }
}
