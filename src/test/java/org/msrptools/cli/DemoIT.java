package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msrptools.testing.Tool;

/** The README's first command. */
class DemoIT {

    @Test
    void msrpDemoPasses() throws Exception {
        try (Tool demo = Tool.run(Map.of(), List.of("bin/msrp-demo"))) {
            assertThat(demo.exitCode(Duration.ofSeconds(120))).as(demo.output()).isZero();
            assertThat(demo.output()).contains("msrp-demo: OK, the file went through the relay intact")
                    .containsPattern("msrp-demo: removed (\\S+), the received file with it");
        }
    }
}
