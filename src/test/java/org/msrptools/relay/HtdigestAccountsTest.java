package org.msrptools.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msrptools.protocol.DigestAlgorithm;
import org.msrptools.testing.LogCapture;

/** The htdigest accounts file, read again when it changes, never on the caller's thread. */
class HtdigestAccountsTest {

    private static final String REALM = "example.com";
    private static final String ALICE = DigestAlgorithm.MD5.ha1("alice", REALM, "alice-secret");
    private static final String BOB = DigestAlgorithm.MD5.ha1("bob", REALM, "bob-secret");

    @Test
    void lookupsAnswerAtOnceWhileTheFileCannotBeRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accounts.htdigest");
        HtdigestAccounts.put(file, "alice", REALM, ALICE);
        try (HtdigestAccounts accounts = new HtdigestAccounts(file)) {
            // A FIFO would block its reader until a writer comes (a file that hangs): it is not read at all.
            Files.delete(file);
            assertThat(new ProcessBuilder("mkfifo", file.toString()).start().waitFor()).isZero();
            Thread.sleep(1500); // past the once-a-second check: a reload is due
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                assertThat(accounts.ha1("alice", REALM).get()).as("the last good snapshot").contains(ALICE);
                assertThat(accounts.realms()).containsExactly(REALM);
                assertThat(accounts.size()).isEqualTo(1);
            }, "a lookup waited for the accounts file");

            // The file comes back with bob instead of alice: the next check reloads.
            Path replacement = dir.resolve("replacement");
            Files.write(replacement, List.of("bob:" + REALM + ":" + BOB));
            Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (accounts.ha1("bob", REALM).get().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(accounts.ha1("bob", REALM).get()).as("picked up within a few seconds").contains(BOB);
            assertThat(accounts.ha1("alice", REALM).get()).isEqualTo(Optional.empty());
        }
    }

    /** Root adding a user to a service's file (owned by the service's user) leaves it the service's. */
    @Test
    void addingAnAccountKeepsTheFilesOwner(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can give a file away");
        Path file = dir.resolve("accounts.htdigest");
        HtdigestAccounts.put(file, "alice", REALM, ALICE);
        var nobody = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        var nogroup = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("nogroup");
        Files.setOwner(file, nobody);
        Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(nogroup);
        HtdigestAccounts.put(file, "bob", REALM, BOB);
        var after = Files.readAttributes(file, PosixFileAttributes.class);
        assertThat(after.owner()).isEqualTo(nobody);
        assertThat(after.group()).isEqualTo(nogroup);
        assertThat(Files.readAllLines(file)).hasSize(2);
    }

    /** passwd in two places at once: they take turns, so no account is lost; mode and indented lines kept. */
    @Test
    void concurrentChangesLoseNoAccountAndKeepTheFilesMode(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accounts.htdigest");
        Files.writeString(file, "  carol:" + REALM + ":" + ALICE + "\n"); // indented: the relay strips lines
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        List<Thread> adders = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String user = "u" + i;
            Thread adder = new Thread(() -> {
                try {
                    HtdigestAccounts.put(file, user, REALM, BOB);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            adder.start();
            adders.add(adder);
        }
        for (Thread t : adders) {
            t.join();
        }
        assertThat(Files.readAllLines(file)).hasSize(9);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r-----");
        assertThat(HtdigestAccounts.remove(file, "carol", REALM).found()).isTrue();
        assertThat(Files.readAllLines(file)).hasSize(8).noneMatch(l -> l.contains("carol"));
    }

    /** A line that is no account is kept, and named, so passwd can say why that user cannot sign in. */
    @Test
    void aLineThatIsNoAccountIsKeptAndNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accounts.htdigest");
        Files.write(file, List.of("# team", "alice:" + REALM + ":" + ALICE, "dave:" + REALM, "", "erin:x:y"));
        HtdigestAccounts.Rewritten added = HtdigestAccounts.put(file, "bob", REALM, BOB);
        assertThat(added.found()).isFalse();
        assertThat(added.notAccounts()).containsExactly(3, 5);
        assertThat(added.firstRealm()).as("what clients reaching the relay by address sign in to").isEqualTo(REALM);
        assertThat(Files.readAllLines(file)).containsExactly("# team", "alice:" + REALM + ":" + ALICE,
                "dave:" + REALM, "", "erin:x:y", "bob:" + REALM + ":" + BOB);
        // A new password keeps the line where it is: the first line's realm is the default one.
        assertThat(HtdigestAccounts.put(file, "alice", REALM, BOB).firstRealm()).isEqualTo(REALM);
        assertThat(Files.readAllLines(file).get(1)).isEqualTo("alice:" + REALM + ":" + BOB);
        HtdigestAccounts.Rewritten removed = HtdigestAccounts.remove(file, "alice", REALM);
        assertThat(removed.found()).isTrue();
        assertThat(removed.notAccounts()).containsExactly(3, 5);
    }

    /**
     * Apache's htdigest writes the file in place, truncated and then
     * written: the relay must not take it half written and lock out those
     * on the lines still to come (found by review). Here the writer is
     * slow, a line every 50 ms for 2 s, so that checks, and looks again
     * soon after them, fall while it writes.
     */
    @Test
    void aFileWrittenInPlaceIsTakenOnlyOnceWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accounts.htdigest");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add("u" + i + ":" + REALM + ":" + BOB);
        }
        lines.add("alice:" + REALM + ":" + ALICE);
        Files.write(file, lines);
        try (HtdigestAccounts accounts = new HtdigestAccounts(file)) {
            lines.add("bob:" + REALM + ":" + BOB); // the change being made
            try (var out = Files.newBufferedWriter(file, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (String line : lines) {
                    out.write(line + "\n");
                    out.flush();
                    assertThat(accounts.ha1("alice", REALM).get()).as("alice, on the file's last lines").contains(ALICE);
                    Thread.sleep(50);
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (accounts.ha1("bob", REALM).get().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(accounts.size()).as("the whole file, once written").isEqualTo(42);
        }
    }

    @Test
    void anAccountAddedToTheRunningRelaysFileIsLoggedAsAReload(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accounts.htdigest");
        HtdigestAccounts.put(file, "alice", REALM, ALICE);
        try (LogCapture log = LogCapture.of(Level.INFO, r -> true, HtdigestAccounts.class.getName());
             HtdigestAccounts accounts = new HtdigestAccounts(file)) {
            HtdigestAccounts.put(file, "bob", REALM, BOB);
            assertThat(log.awaitEvent("accounts_reloaded", Duration.ofSeconds(5))).hasToString(
                    "event=accounts_reloaded file=" + file + " accounts=2 domains=" + REALM);
            assertThat(accounts.size()).isEqualTo(2);

            // Not a file any more (as when a careless edit replaces it): said, and the accounts stay.
            Files.delete(file);
            Files.createDirectory(file);
            assertThat(log.awaitEvent("accounts_unreadable", Duration.ofSeconds(5))).hasToString(
                    "event=accounts_unreadable file=" + file + " reason=\"is a directory\" kept=\"the accounts last read\"");
            assertThat(accounts.ha1("bob", REALM).get()).contains(BOB);

            // A FIFO, whose read never ended, and with it every later check: said, and the checks go on.
            Files.delete(file);
            assertThat(new ProcessBuilder("mkfifo", file.toString()).start().waitFor()).isZero();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (log.events("accounts_unreadable").size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(log.events("accounts_unreadable")).last().asString().contains("reason=\"not a regular file\"");
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> HtdigestAccounts.put(file, "carol", REALM,
                    ALICE))).as("nor does passwd write through it").hasMessage("not a regular file");
            Files.delete(file);
            HtdigestAccounts.put(file, "carol", REALM, ALICE);
            while (accounts.ha1("carol", REALM).get().isEmpty() && System.nanoTime() < deadline + 5_000_000_000L) {
                Thread.sleep(50);
            }
            assertThat(accounts.ha1("carol", REALM).get()).as("read again").contains(ALICE);
        }
    }

    /**
     * A new version with the same size and time (a password changed): put
     * in place as {@code rsync -a} does (another file) or copied over it as
     * {@code cp -p} does (the same file, its inode changed). Both are read
     * (found by review and by a new user: they went unseen until a restart).
     */
    @Test
    void aNewVersionWithTheSameSizeAndTimeIsRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accounts.htdigest");
        HtdigestAccounts.put(file, "alice", REALM, ALICE);
        FileTime then = Files.getLastModifiedTime(file);
        try (HtdigestAccounts accounts = new HtdigestAccounts(file)) {
            for (String password : new String[] {"put in place", "copied over"}) {
                Thread.sleep(20); // a later inode change time than the file's before
                String changed = DigestAlgorithm.MD5.ha1("alice", REALM, password);
                String text = "alice:" + REALM + ":" + changed + "\n";
                if (password.equals("put in place")) {
                    Path next = Files.writeString(dir.resolve("next"), text);
                    Files.setLastModifiedTime(next, then);
                    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
                    Files.setLastModifiedTime(file, then);
                }
                assertThat(Files.size(file)).as("the same size").isEqualTo(text.length());
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!accounts.ha1("alice", REALM).get().equals(Optional.of(changed))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(accounts.ha1("alice", REALM).get()).as(password).contains(changed);
            }
        }
    }

    /** A line with a byte that is not UTF-8 is skipped, said, and the accounts on the other lines kept (a BOM first too). */
    @Test
    void aLineThatIsNotUtf8SpoilsOnlyItself(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accounts.htdigest");
        byte[] bad = "carol:example.com:\u00ff\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, ("\uFEFFalice:" + REALM + ":" + ALICE + "\n").getBytes(StandardCharsets.UTF_8));
        Files.write(file, bad, StandardOpenOption.APPEND);
        try (LogCapture log = LogCapture.of(Level.WARNING, r -> true, HtdigestAccounts.class.getName());
             HtdigestAccounts accounts = new HtdigestAccounts(file)) {
            assertThat(accounts.problem()).isNull();
            assertThat(accounts.ha1("alice", REALM).get()).contains(ALICE);
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("accounts_line_skipped", "line=2",
                    "not UTF-8 text"));
        }
        // Rewriting it would change that line: passwd says which line, and leaves the file as it was.
        byte[] before = Files.readAllBytes(file);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HtdigestAccounts.put(file, "bob", REALM, BOB))
                .hasMessage("line 2 is not UTF-8 text: correct or delete it first");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    /** A file that cannot be read at start-up is said, for the relay to refuse to start on it. */
    @Test
    void aFileUnreadableAtStartUpIsAProblem(@TempDir Path dir) {
        try (HtdigestAccounts accounts = new HtdigestAccounts(dir.resolve("missing.htdigest"))) {
            assertThat(accounts.problem()).isEqualTo("no such file or directory");
            assertThat(accounts.size()).isZero();
        }
    }
}
