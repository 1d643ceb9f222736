package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.LosesFirstReply;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.Kv;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.TxId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** I7 across a real socket: the server acts, its reply is lost, the client retries. */
class LostReplyTest {
    private static final TxId TX = new TxId("coord-1", 7, 1);

    private final DedupKv kv = new DedupKv();
    private final RpcServer server = TestServers.start(new LosesFirstReply(1), kv, null);
    private final RpcClient client = new RpcClient(TestServers.endpoint(server), RpcClientConfig.defaults(),
            new ManualTime(0), new Random(1));

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    @Test
    void retriedOperationIsAppliedOnceAndAnswersTheFirstAnswer() throws TException {
        put(1, "first");
        assertThat(kv.invocations()).as("the handler ran, the reply was lost, the client sent again").isEqualTo(2);
        assertThat(kv.applied()).isEqualTo(1);

        // A late duplicate of op 1 with other bytes must not overwrite: it gets op 1's answer.
        put(1, "duplicate");
        assertThat(get(2)).isEqualTo("first");
        assertThat(kv.applied()).isEqualTo(2);
        assertThat(kv.invokedOpSeqs()).containsExactly(1L, 1L, 1L, 2L);
    }

    private void put(long opSeq, String value) throws TException {
        client.call(Services.KV, new Kv.Client.Factory(), (c, remainingMs) -> {
            c.put(new TxContext(TX, opSeq, remainingMs), bytes("k"), bytes(value));
            return null;
        }, 5_000);
    }

    private String get(long opSeq) throws TException {
        byte[] v = client.call(Services.KV, new Kv.Client.Factory(),
                (c, remainingMs) -> c.get(new TxContext(TX, opSeq, remainingMs), bytes("k")).getValue(), 5_000);
        return new String(v, StandardCharsets.UTF_8);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
