package org.msrptools.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Accounts in Apache htdigest format, one {@code user:realm:HA1} a line, so
 * the standard {@code htdigest} tool can manage them too. The file is read
 * again when it changes (checked at most once a second), so adding a user
 * needs no restart.
 */
public final class HtdigestAccounts implements AccountStore {

    private static final Logger LOG = Logger.getLogger(HtdigestAccounts.class.getName());
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private final Path file;
    private volatile Map<String, String> byUserAndRealm = Map.of();
    private volatile Set<String> realms = Set.of();
    private FileTime loadedModified;
    private long loadedSize = -1;
    private long lastCheck;

    public HtdigestAccounts(Path file) {
        this.file = file;
        reloadIfChanged(true);
    }

    public Path file() {
        return file;
    }

    @Override
    public CompletableFuture<Optional<String>> ha1(String user, String realm) {
        reloadIfChanged(false);
        return CompletableFuture.completedFuture(Optional.ofNullable(byUserAndRealm.get(user + ":" + realm)));
    }

    @Override
    public String describe() {
        return file.toAbsolutePath() + " (" + size() + " accounts)";
    }

    @Override
    public Set<String> realms() {
        reloadIfChanged(false);
        return realms;
    }

    @Override
    public int size() {
        reloadIfChanged(false);
        return byUserAndRealm.size();
    }

    private synchronized void reloadIfChanged(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastCheck < CHECK_INTERVAL_NANOS) {
            return;
        }
        lastCheck = now;
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (!force && modified.equals(loadedModified) && size == loadedSize) {
                return;
            }
            Map<String, String> map = new HashMap<>();
            Set<String> realmSet = new TreeSet<>();
            int lineNumber = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNumber++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] parts = l.split(":", -1);
                if (parts.length != 3 || !parts[2].matches("[0-9a-fA-F]{32}")) {
                    LOG.warning(file + " line " + lineNumber + " is not user:realm:HA1; skipped");
                    continue;
                }
                map.put(parts[0] + ":" + parts[1], parts[2].toLowerCase(java.util.Locale.ROOT));
                realmSet.add(parts[1]);
            }
            byUserAndRealm = Map.copyOf(map);
            realms = Set.copyOf(realmSet);
            loadedModified = modified;
            loadedSize = size;
        } catch (NoSuchFileException e) {
            byUserAndRealm = Map.of();
            realms = Set.of();
        } catch (IOException e) {
            LOG.warning("cannot read accounts file " + file + ": " + e.getMessage());
        }
    }

    /**
     * Adds or replaces the account {@code user} in {@code realm}, rewriting
     * the file atomically with mode 0600 (it holds password hashes).
     */
    public static void put(Path file, String user, String realm, String ha1) {
        try {
            List<String> lines = new ArrayList<>();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.startsWith(user + ":" + realm + ":")) {
                        lines.add(line);
                    }
                }
            }
            lines.add(user + ":" + realm + ":" + ha1);
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".accounts", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write accounts file " + file + ": " + e.getMessage(), e);
        }
    }
}
