package dev.pledge.participant.replication;

import java.nio.ByteBuffer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * A log entry's payload: the term of the leadership whose participant core wrote the batch, then
 * the batch as {@link dev.pledge.participant.storage.ParticipantLayout#encodeBatch} made it. Every
 * replica applies an entry only if the leader that appended it led in that very term: a core whose
 * leadership ended may still send a write (Ratis's client resends it to the new leader), and that
 * write must never land behind the new core's back.
 */
final class TermBatch {
    static final int TERM_BYTES = Long.BYTES;

    private TermBatch() {}

    static byte[] encode(long writerTerm, byte[] batch) {
        return ByteBuffer.allocate(TERM_BYTES + batch.length).putLong(writerTerm).put(batch).array();
    }

    static long writerTerm(ByteString payload) {
        if (payload.size() < TERM_BYTES) throw new IllegalArgumentException("log entry of " + payload.size() + " bytes has no term");
        return payload.substring(0, TERM_BYTES).asReadOnlyByteBuffer().getLong();
    }

    static byte[] batch(ByteString payload) {
        return payload.substring(TERM_BYTES).toByteArray();
    }
}
