package org.msrptools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the path options say at once, before any sign-in: found by a new user, each waited out --peer-timeout. */
class PathExchangeOptionsTest {

    @Test
    void aPeerPathFileThatCanNeverAppearIsAUsageError(@TempDir Path dir) throws Exception {
        PathExchangeOptions o = new PathExchangeOptions();
        o.peerPathFile = dir;
        assertThatThrownBy(o::check).isInstanceOfSatisfying(CliException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
                .hasMessage("--peer-path-file " + dir + " is a directory: give the file the peer's --path-file names");
        java.nio.file.Path aFile = java.nio.file.Files.writeString(dir.resolve("a-file"), "");
        o.peerPathFile = aFile.resolve("alice.path");
        assertThatThrownBy(o::check).isInstanceOf(CliException.class)
                .hasMessage("--peer-path-file " + o.peerPathFile + " can never appear: " + aFile + " is not a directory");
        o.peerPathFile = dir.resolve("not-yet").resolve("alice.path");
        o.check(); // a step that copies the file in may make its directory
    }

    @Test
    void aPathFileOfAnEndThatEndedGivenAsToPathEndsThisSide() {
        PathExchangeOptions o = new PathExchangeOptions();
        o.toPath = OwnPathFile.ENDED.strip(); // as "$(cat alice.path)" gives it
        assertThatThrownBy(o::check).isInstanceOfSatisfying(CliException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.TRANSFER))
                .hasMessageStartingWith("the peer ended before it had a path");
    }
}
