package dev.pledge.participant.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.participant.config.ReplicationSettings;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

class RaftSettingsTest {
    @Test
    void byDefaultALeaderKeepsRatissMillisecondBetweenAppendsToAFollower() {
        RaftProperties p = RaftSettings.of(ReplicationSettings.DEFAULTS);

        assertThat(RaftServerConfigKeys.Log.Appender.waitTimeMin(p).toLong(TimeUnit.MICROSECONDS)).isEqualTo(1_000);
    }

    @Test
    void theLeastGapBetweenAppendsIsTheConfiguredOne() {
        RaftProperties p = RaftSettings.of(new ReplicationSettings(500, 1_000, 5_000, 50, 10_000, 1024, 1, 250));

        assertThat(RaftServerConfigKeys.Log.Appender.waitTimeMin(p).toLong(TimeUnit.MICROSECONDS)).isEqualTo(250);
    }

    @Test
    void aNegativeGapIsRefusedByName() {
        assertThatThrownBy(() -> new ReplicationSettings(500, 1_000, 5_000, 50, 10_000, 1024, 1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appendGapMinUs must be >= 0, was -1");
    }

    @Test
    void everyEntryIsSyncedBeforeItIsAcknowledged() {
        RaftProperties p = RaftSettings.of(ReplicationSettings.DEFAULTS);

        assertThat(RaftServerConfigKeys.Log.unsafeFlushEnabled(p)).isFalse();
        assertThat(RaftServerConfigKeys.Log.asyncFlushEnabled(p)).isFalse();
    }

    /** Ratis's default follows every commit with a commit-index entry: a second synced Raft round carrying no record. */
    @Test
    void noLogEntryCarriesOnlyTheCommitIndex() {
        RaftProperties p = RaftSettings.of(ReplicationSettings.DEFAULTS);

        assertThat(RaftServerConfigKeys.Log.logMetadataEnabled(p)).isFalse();
    }

    @Test
    void aFollowerAppendsToItsLogFromOneServerThread() {
        RaftProperties p = RaftSettings.of(ReplicationSettings.DEFAULTS);

        assertThat(RaftServerConfigKeys.ThreadPool.serverCached(p)).isFalse();
        assertThat(RaftServerConfigKeys.ThreadPool.serverSize(p)).isEqualTo(1);
    }
}
