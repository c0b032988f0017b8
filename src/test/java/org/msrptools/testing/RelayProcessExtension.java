package org.msrptools.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One msrp-relay process shared by the tests of a class:
 * {@code @RegisterExtension static RelayProcessExtension relay = new RelayProcessExtension();}.
 */
public final class RelayProcessExtension implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private RelayProcess relay;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("relay-process");
        relay = RelayProcess.start(dir.resolve("state"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        relay.close();
        TestRelay.deleteTree(dir);
    }

    public int port() {
        return relay.port;
    }

    public Path cert() {
        return relay.cert();
    }

    /** What the relay printed so far: its log, for a failing test's message. */
    public String output() {
        return relay.tool.output();
    }
}
