package org.msrptools.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, from Debian's packages (installed by
 * .ci/run): its own data directory, 127.0.0.1 and a free port, trust
 * authentication. As root it runs the server as the "postgres" user, since
 * PostgreSQL refuses to run as root. It holds the {@code subscriber} table
 * with the OpenSIPS schema's columns.
 */
public final class PostgresServer implements AutoCloseable {

    public final int port;
    private final Path bin;
    private final Path data;
    private final boolean asPostgresUser;

    private PostgresServer(Path bin, Path data, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Where pg_ctl is, if PostgreSQL is installed. */
    public static Optional<Path> binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .sorted().reduce((a, b) -> b);
        }
    }

    public static PostgresServer start(Path bin) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path data = Files.createTempDirectory("pg-data");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PostgresServer pg = new PostgresServer(bin, data, port, root);
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", data.toString()), false);
        }
        pg.pg(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres",
                "--no-sync"));
        pg.startServer();
        pg.sql("CREATE TABLE subscriber (id SERIAL PRIMARY KEY, username VARCHAR(64) NOT NULL DEFAULT '', "
                + "domain VARCHAR(64) NOT NULL DEFAULT '', password VARCHAR(25) NOT NULL DEFAULT '', "
                + "ha1 VARCHAR(128) NOT NULL DEFAULT '', ha1b VARCHAR(128) NOT NULL DEFAULT '', "
                + "CONSTRAINT account_idx UNIQUE (username, domain))");
        return pg;
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), "postgres", null); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    public void startServer() throws Exception {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-l", data.resolve("log").toString(),
                "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -c unix_socket_directories=" + data
                        + " -c fsync=off", "start"));
    }

    public void stopServer() throws Exception {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-m", "fast", "stop"));
    }

    private void pg(List<String> command) throws Exception {
        List<String> c = new ArrayList<>();
        if (asPostgresUser) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(command);
        run(c, true);
    }

    private static void run(List<String> command, boolean check) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || check && p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stopServer();
        } finally {
            TestRelay.deleteTree(data);
        }
    }
}
