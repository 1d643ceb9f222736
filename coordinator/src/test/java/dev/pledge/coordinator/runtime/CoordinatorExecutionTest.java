package dev.pledge.coordinator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.coordinator.protocol.Message;
import dev.pledge.coordinator.protocol.Outputs;
import dev.pledge.coordinator.protocol.Reply;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoordinatorExecutionTest {
    private final List<String> effects = new ArrayList<>();
    private final List<Runnable> unreleased = new ArrayList<>();

    private final CoordinatorExecution execution = new CoordinatorExecution((records, sync, release) -> unreleased.add(release));

    private final CoordinatorExecution.Effects recorder = new CoordinatorExecution.Effects() {
        @Override
        public void send(Message message) {
            effects.add("send " + message.participantId());
        }

        @Override
        public void reply(Reply reply) {
            effects.add("reply " + reply.replyToken());
        }
    };

    @Test
    void nothingLeavesBeforeTheLogReleasesIt() {
        execution.execute(decided(), recorder);

        assertThat(effects).isEmpty();
        unreleased.forEach(Runnable::run);
        assertThat(effects).isNotEmpty();
    }

    @Test
    void aCommitsAnswerLeavesBeforeItsPhaseTwoMessages() {
        execution.execute(decided(), recorder);
        unreleased.forEach(Runnable::run);

        assertThat(effects).containsExactly("reply 7", "send student-a", "send course-c");
    }

    /** What the step that holds every yes vote emits: the answer and the commits to deliver. */
    private static Outputs decided() {
        TxId tx = new TxId("coord-1", 1, 1);
        return new Outputs(List.of(), false,
                List.of(new Message.Commit(tx, "student-a"), new Message.Commit(tx, "course-c")), List.of(),
                List.of(new Reply(7, new Reply.OutcomeReply(TxState.COMMITTED, null, null, List.of()))), List.of());
    }
}
