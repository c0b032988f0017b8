package org.msrptools.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process relay shared by the tests of a class:
 * {@code @RegisterExtension static final TestRelayExtension RELAY = new TestRelayExtension();}.
 */
public final class TestRelayExtension implements BeforeAllCallback, AfterAllCallback {

    private final TestRelay.Settings settings;
    private TestRelay relay;

    public TestRelayExtension() {
        this(new TestRelay.Settings());
    }

    public TestRelayExtension(TestRelay.Settings settings) {
        this.settings = settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        relay = TestRelay.start(settings);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        relay.close();
    }

    public TestRelay get() {
        return relay;
    }
}
