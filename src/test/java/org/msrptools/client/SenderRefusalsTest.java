package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which refusals let msrp-send ask for the receiver's path again. */
class SenderRefusalsTest {

    @Test
    void aRefusalOfTheFirstChunkLeavesTheFileToAnotherPath() {
        assertThat(FileSender.anotherPathMayDo(481, "No such session", true)).isTrue();
        assertThat(FileSender.anotherPathMayDo(481, "Next hop closed the connection", false)).isFalse();
        assertThat(FileSender.anotherPathMayDo(403, FileReceiver.NOT_THE_PEER, false)).isTrue();
    }

    /** Found by a new user: stopped at once, the receiver left the sender asking for a path. */
    @Test
    void aReceiverStoppedByItsUserIsNotAskedForAgain() {
        assertThat(FileSender.anotherPathMayDo(FileReceiver.STOP, FileReceiver.STOPPED, true)).isFalse();
        assertThat(FileSender.anotherPathMayDo(FileReceiver.STOP, "File of 3000000 bytes is over the limit", true))
                .isTrue();
    }
}
