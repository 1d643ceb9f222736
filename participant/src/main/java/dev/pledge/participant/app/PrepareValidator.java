package dev.pledge.participant.app;

import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Write;
import java.util.List;

/**
 * The application's last word before this participant votes: called at prepare with the branch's
 * buffered writes and a reader of committed data. Answer {@link Result#no} (e.g. "course full")
 * to vote NO. Runs on the participant's core thread while the branch holds its exclusive locks,
 * so keep it short and do not call other nodes from it.
 */
@FunctionalInterface
public interface PrepareValidator {

    PrepareValidator ACCEPT_ALL = (txId, writes, committed) -> Result.OK;

    Result validate(TxId txId, List<Write> writes, CommittedData committed);

    /** Committed values (what other transactions made durable), not this branch's writes. */
    @FunctionalInterface
    interface CommittedData {
        byte[] get(byte[] key);
    }

    record Result(boolean ok, String message) {
        public static final Result OK = new Result(true, null);

        public static Result no(String message) {
            return new Result(false, message == null ? "refused by the application" : message);
        }
    }
}
