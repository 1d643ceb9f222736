package dev.pledge.sim;

/**
 * A participant's vote, acknowledgement or peer answer with the identity of the storage it was
 * given from, as ParticipantHandler sets {@code storageId} on the wire. Stamped when the answer
 * leaves, so a disk lost while it travels does not change what it says.
 */
record Stamped(Object answer, long storageId) {
    /** The answer inside {@code payload}, which may or may not be stamped. */
    static Object answerOf(Object payload) {
        return payload instanceof Stamped s ? s.answer() : payload;
    }

    /** The storage {@code payload} was stamped with, or 0 (unknown) if it was not. */
    static long storageOf(Object payload) {
        return payload instanceof Stamped s ? s.storageId() : 0;
    }
}
