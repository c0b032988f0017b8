package org.msrptools.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.LinkedHashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.msrptools.client.FileProblem;

/**
 * Accounts in Apache htdigest format, one {@code user:realm:HA1} a line, so
 * the standard {@code htdigest} tool can manage them too. A background
 * thread checks the file about once a second and reads it again when it
 * changed, so adding a user needs no restart; lookups only read the last
 * snapshot, so they never wait for the disk (they run on event loops).
 */
public final class HtdigestAccounts implements AccountStore {

    private static final Logger LOG = Logger.getLogger(HtdigestAccounts.class.getName());
    private static final long CHECK_INTERVAL_MILLIS = 1000;
    /**
     * How old a change must be to be read before it has been seen twice
     * alike. Apache's htdigest writes the file in place (truncated, then
     * written): a read in between would lock out everyone it had not
     * written yet. A writer is done well within this.
     */
    private static final long SETTLED_MILLIS = 250;

    /** What one read of the file gave; replaced whole, so a lookup never sees half a reload. */
    private record Snapshot(Map<String, String> byUserAndRealm, Set<String> realms) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Set.of());
    }

    private final Path file;
    private volatile Snapshot current = Snapshot.EMPTY;
    // The file as last read, and as seen at the last check: touched by the constructor, then by the checker only.
    private Stamp loaded;
    private Stamp seen;
    /** When the file was first seen as it is now, by this clock; and whether a look is due before the next check. */
    private long seenSinceMillis;
    private boolean lookDue;
    /** Why the file could not be read at the last check, or null: a problem is logged when it starts or changes. */
    private volatile String problem;
    /** After the first check, every read is a change an operator made: it is logged. */
    private boolean checkedBefore;
    private final ScheduledExecutorService checker;

    public HtdigestAccounts(Path file) {
        this.file = file.toAbsolutePath(); // as the start block shows it, in every log line too
        // The first read is on the caller's thread (start-up), so the relay starts with the accounts.
        reloadIfChanged();
        checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "msrp-relay-accounts-file");
            t.setDaemon(true);
            return t;
        });
        checker.scheduleWithFixedDelay(this::reloadIfChanged, CHECK_INTERVAL_MILLIS, CHECK_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    public Path file() {
        return file;
    }

    @Override
    public CompletableFuture<Optional<String>> ha1(String user, String realm) {
        return CompletableFuture.completedFuture(Optional.ofNullable(current.byUserAndRealm().get(user + ":" + realm)));
    }

    /** Always: lookups are answered from the accounts last read, even while the file cannot be read. */
    @Override
    public boolean answers() {
        return true;
    }

    @Override
    public String describe() {
        return file + " (" + size() + (size() == 1 ? " account)" : " accounts)");
    }

    @Override
    public Set<String> realms() {
        return current.realms();
    }

    @Override
    public int size() {
        return current.byUserAndRealm().size();
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }

    /**
     * What tells one version of the file from another: its time and size,
     * which file it is and when its inode changed (a file put in its place,
     * as {@code rsync -a} does, or copied over it by {@code cp -p}, may keep
     * both time and size: a changed password keeps the size; found by
     * review).
     */
    private record Stamp(FileTime modified, long size, Object fileKey, Object changed) {
        static Stamp of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            requireRegular(a);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey(), inodeChange(file));
        }

        /** When the file's inode last changed, which "cp -p" over it cannot set back (found by a new user). */
        private static Object inodeChange(Path file) throws IOException {
            try {
                return Files.getAttribute(file, "unix:ctime");
            } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
                return null;
            }
        }
    }

    private void reloadIfChanged() {
        try {
            Stamp stamp = Stamp.of(file);
            FileTime modified = stamp.modified();
            if (stamp.equals(loaded)) {
                return;
            }
            boolean reload = checkedBefore;
            long nowMillis = System.currentTimeMillis();
            if (!stamp.equals(seen)) {
                seen = stamp;
                seenSinceMillis = nowMillis;
            }
            // Settled: as it is for a while by our own clock (two looks a few ms apart prove nothing: found by
            // review), or by its own time.
            boolean settled = nowMillis - seenSinceMillis >= SETTLED_MILLIS
                    || nowMillis - modified.toMillis() >= SETTLED_MILLIS;
            if (reload && !settled) {
                lookAgainSoon(); // perhaps half written: looked at again once a writer is done
                return;
            }
            Snapshot read = read();
            if (reload && !stamp.equals(Stamp.of(file))) {
                lookAgainSoon(); // written while it was read
                return;
            }
            current = read;
            loaded = stamp;
            problem = null;
            if (reload) {
                Snapshot now = current;
                LogEvent.of("accounts_reloaded").with("file", file).with("accounts", now.byUserAndRealm().size())
                        .with("domains", String.join(",", now.realms())).log(LOG, Level.INFO);
            }
        } catch (IOException | RuntimeException e) {
            // Keep the last good accounts (a file deleted or replaced by hand must not lock everyone out);
            // an exception would also end the periodic check. Read again whatever comes back.
            loaded = null;
            String reason = e instanceof IOException io ? FileProblem.of(io) : e.getMessage();
            if (checkedBefore && !reason.equals(problem)) { // said once, not every second
                LogEvent.of("accounts_unreadable").with("file", file).with("reason", reason)
                        .with("kept", "the accounts last read").log(LOG, Level.WARNING);
            }
            problem = reason;
        } finally {
            checkedBefore = true;
        }
    }

    /** One more look, a settling time from now (so a change still takes about a second); one at a time. */
    private void lookAgainSoon() {
        if (!lookDue) {
            lookDue = true;
            checker.schedule(() -> {
                lookDue = false;
                reloadIfChanged();
            }, SETTLED_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Why the file could not be read at the last check (at start-up: the
     * first read), or null. The relay refuses to start on it: it has no
     * accounts of before to keep.
     */
    public String problem() {
        return problem;
    }

    /**
     * The file's lines, each as UTF-8 text, or null for one that is not: a
     * stray byte spoils its own line, not the accounts on the others.
     */
    private static List<String> utf8Lines(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports what is malformed
        for (String raw : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) { // a char per byte: never fails
            try {
                String line = utf8.decode(ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1))).toString();
                lines.add(lines.isEmpty() && line.startsWith("\uFEFF") ? line.substring(1) : line); // an editor's BOM
            } catch (CharacterCodingException e) {
                lines.add(null);
            }
        }
        return lines;
    }

    private Snapshot read() throws IOException {
        Map<String, String> map = new HashMap<>();
        Set<String> realmSet = new LinkedHashSet<>(); // in file order: the first is the default realm
        int lineNumber = 0;
        for (String line : utf8Lines(file)) {
            lineNumber++;
            if (line == null) {
                LogEvent.of("accounts_line_skipped").with("file", file).with("line", lineNumber)
                        .with("reason", "not UTF-8 text").log(LOG, Level.WARNING);
                continue;
            }
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] parts = accountFields(l);
            if (parts == null) {
                LogEvent.of("accounts_line_skipped").with("file", file).with("line", lineNumber)
                        .with("reason", "not user:realm:HA1").log(LOG, Level.WARNING);
                continue;
            }
            map.put(parts[0] + ":" + parts[1], parts[2].toLowerCase(java.util.Locale.ROOT));
            realmSet.add(parts[1]);
        }
        return new Snapshot(Map.copyOf(map), Collections.unmodifiableSet(realmSet));
    }

    private static String firstRealm(List<String> lines) {
        return lines.stream().map(l -> accountFields(l.strip())).filter(java.util.Objects::nonNull).map(f -> f[1])
                .findFirst().orElse(null);
    }

    /** A stripped line's user, realm and HA1, or null when it is not an account. */
    private static String[] accountFields(String stripped) {
        String[] parts = stripped.split(":", -1);
        return parts.length == 3 && parts[2].matches("[0-9a-fA-F]{32}") ? parts : null;
    }

    /**
     * The new file gets the old one's owner, group and mode: root adding a
     * user to a service's accounts file (the systemd unit's dynamic user, a
     * group that may read it) must not leave a file the service cannot read.
     */
    private static void keepOwner(Path file, Path replacement) throws IOException {
        PosixFileAttributes old = Files.readAttributes(file, PosixFileAttributes.class);
        PosixFileAttributeView view = Files.getFileAttributeView(replacement, PosixFileAttributeView.class);
        view.setPermissions(old.permissions());
        if (!old.owner().equals(view.getOwner())) {
            view.setOwner(old.owner());
        }
        if (!old.group().equals(view.readAttributes().group())) {
            view.setGroup(old.group());
        }
    }

    /**
     * Adds or replaces the account {@code user} in {@code realm}, rewriting
     * the file atomically with mode 0600 (it holds password hashes).
     */
    public static Rewritten put(Path file, String user, String realm, String ha1) throws IOException {
        return rewrite(file, user, realm, ha1);
    }

    /** Removes the account {@code user} in {@code realm} as {@link #put} writes; nothing found if there was none. */
    public static Rewritten remove(Path file, String user, String realm) throws IOException {
        return Files.exists(file) ? rewrite(file, user, realm, null) : new Rewritten(false, List.of(), null);
    }

    /**
     * What a rewrite met: whether the account was there, the lines
     * (numbered from 1) that are no account, kept as they were, and the
     * realm of the first account now (null if none). The relay skips those
     * lines, so passwd says so: an operator who typed one by hand would
     * otherwise not know why that user cannot sign in. The first realm is
     * the one of clients that reach the relay by its address.
     */
    public record Rewritten(boolean found, List<Integer> notAccounts, String firstRealm) {
    }

    /**
     * The file without {@code user}'s line in {@code realm}, and with a new
     * one when {@code ha1} is given. Two runs at once (passwd in two
     * terminals, a script adding users) take turns on a lock file beside it:
     * each reads what the other wrote, so neither loses the other's account.
     */
    private static synchronized Rewritten rewrite(Path file, String user, String realm, String ha1) throws IOException {
        // synchronized too: a file lock is the process's, and a second one taken in the same JVM throws.
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (FileChannel lockFile = FileChannel.open(parent.resolve("." + file.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock turn = lockFile.lock()) {
            return rewriteLocked(file, parent, user, realm, ha1);
        }
    }

    /** A FIFO's read would never end, and with it every later check and rewrite. */
    private static void requireRegular(BasicFileAttributes a) throws IOException {
        if (!a.isRegularFile()) {
            throw new IOException(a.isDirectory() ? "is a directory" : "not a regular file");
        }
    }

    private static Rewritten rewriteLocked(Path file, Path parent, String user, String realm, String ha1)
            throws IOException {
        if (Files.exists(file)) {
            requireRegular(Files.readAttributes(file, BasicFileAttributes.class));
        }
        List<String> lines = new ArrayList<>();
        List<Integer> notAccounts = new ArrayList<>();
        boolean found = false;
        int at = -1; // where the account's line was: a new password keeps it there
        if (Files.exists(file)) {
            int lineNumber = 0;
            for (String line : utf8Lines(file)) {
                lineNumber++;
                if (line == null) { // rewritten as text, it would change: the operator decides what it was
                    throw new IOException("line " + lineNumber + " is not UTF-8 text: correct or delete it first");
                }
                String stripped = line.strip(); // as the relay reads it
                if (stripped.startsWith(user + ":" + realm + ":")) {
                    found = true;
                    at = at < 0 ? lines.size() : at;
                    continue;
                }
                if (!stripped.isEmpty() && !stripped.startsWith("#") && accountFields(stripped) == null) {
                    notAccounts.add(lineNumber);
                }
                lines.add(line);
            }
        }
        if (ha1 == null && !found) {
            return new Rewritten(false, List.copyOf(notAccounts), firstRealm(lines));
        }
        if (ha1 != null) {
            // In its place: moved to the end, the first line's account could change the file's first domain,
            // the realm of clients that reach the relay by address (found by review).
            lines.add(at < 0 ? lines.size() : at, user + ":" + realm + ":" + ha1);
        }
        Rewritten rewritten = new Rewritten(found, List.copyOf(notAccounts), firstRealm(lines));
        Path tmp = Files.createTempFile(parent, ".accounts", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            if (Files.exists(file)) {
                keepOwner(file, tmp);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp); // left only when the move failed
        }
        return rewritten;
    }
}
