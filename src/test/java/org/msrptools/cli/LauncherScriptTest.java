package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/_launcher's own decisions, run as bash runs it, in a copy of the
 * checkout's shape with stand-ins for mvn and java on the PATH: it builds the
 * jar when it is missing or older than a source or the pom, and only then,
 * and it finds the checkout from however the command was called.
 */
class LauncherScriptTest {

    @TempDir
    Path checkout;

    private Path log;

    @BeforeEach
    void copyOfTheCheckout() throws IOException {
        Path bin = Files.createDirectories(checkout.resolve("bin"));
        for (String name : new String[] {"_launcher", "msrp-send"}) {
            Files.copy(Path.of("bin", name), bin.resolve(name));
        }
        Files.createDirectories(checkout.resolve("src/main/java/x"));
        Files.writeString(checkout.resolve("src/main/java/x/A.java"), "class A {}");
        Files.writeString(checkout.resolve("pom.xml"), "<project/>");
        log = checkout.resolve("calls.log");
        Path tools = Files.createDirectories(checkout.resolve("tools"));
        // mvn "builds" the jar; java says where it was started from and with which jar.
        script(tools.resolve("mvn"), "echo mvn >> " + log + "; touch target/msrp-tools.jar");
        script(tools.resolve("java"), "echo \"java $PWD ${@: -3}\" >> " + log);
    }

    @Test
    void buildsOnlyWhenTheJarIsMissingOrOlderThanTheSources() throws Exception {
        assertThat(run("bin/msrp-send")).startsWith("Building ");
        assertThat(calls()).containsExactly("mvn", "java " + checkout + " " + checkout + "/target/msrp-tools.jar "
                + "msrp-send --version");

        age(checkout.resolve("target/msrp-tools.jar"), 100);
        age(checkout.resolve("pom.xml"), 200);
        for (String source : new String[] {"src/main", "src/main/java", "src/main/java/x", "src/main/java/x/A.java"}) {
            age(checkout.resolve(source), 200); // a directory is newer when a file in it came or went
        }
        assertThat(run("bin/msrp-send")).isEmpty();
        assertThat(calls()).containsExactly("java " + checkout + " " + checkout + "/target/msrp-tools.jar "
                + "msrp-send --version");

        age(checkout.resolve("src/main/java/x/A.java"), 50); // edited after the build, deep in the tree
        assertThat(run("bin/msrp-send")).startsWith("Building ");
        assertThat(calls()).first().isEqualTo("mvn");

        age(checkout.resolve("target/msrp-tools.jar"), 100);
        age(checkout.resolve("src/main/java/x/A.java"), 200);
        age(checkout.resolve("pom.xml"), 50);
        assertThat(run("bin/msrp-send")).startsWith("Building ");
        assertThat(calls()).first().isEqualTo("mvn");
    }

    @Test
    void findsTheCheckoutFromInsideBinToo() throws Exception {
        run("bin/msrp-send");
        Files.delete(log);
        assertThat(runIn(checkout.resolve("bin"), "bash", "msrp-send")).isEmpty();
        assertThat(calls()).containsExactly("java " + checkout.resolve("bin") + " " + checkout
                + "/target/msrp-tools.jar msrp-send --version");
        Files.delete(log);
        assertThat(runIn(checkout, "./bin/msrp-send")).isEmpty();
        assertThat(calls()).containsExactly("java " + checkout + " " + checkout
                + "/target/msrp-tools.jar msrp-send --version");
    }

    private String run(String command) throws Exception {
        if (Files.exists(log)) {
            Files.delete(log);
        }
        return runIn(checkout, command);
    }

    /** The command with --version, the stand-ins first on the PATH; what it wrote on stderr. */
    private String runIn(Path dir, String... command) throws Exception {
        String[] full = new String[command.length + 1];
        System.arraycopy(command, 0, full, 0, command.length);
        full[command.length] = "--version";
        ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile());
        pb.environment().put("PATH", checkout.resolve("tools") + ":" + System.getenv("PATH"));
        pb.environment().remove("MSRP_JAVA_OPTS");
        Process p = pb.start();
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return err;
    }

    private List<String> calls() throws IOException {
        return Files.readAllLines(log);
    }

    private static void age(Path file, int secondsAgo) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
