package dev.pledge.rpc;

import dev.pledge.wire.Unavailable;
import java.io.IOException;
import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.transport.TTransportException;

/** Which errors the retry loop may retry. Everything else is an answer and goes back to the caller. */
final class Failures {
    private Failures() {}

    /** The request may not have arrived, or its reply was lost: the connection is unusable. */
    static boolean isTransport(Throwable e) {
        if (e instanceof FrameTooLargeException) return false; // refused locally; sending again cannot help
        if (e instanceof TTransportException || e instanceof IOException) return true;
        // Exceptions declared in the IDL are answers from the server, whatever their cause.
        return e instanceof TException && !(e instanceof TBase) && e.getCause() instanceof IOException;
    }

    /** The server answered "try again later". */
    static boolean isUnavailable(Throwable e) {
        return e instanceof Unavailable;
    }

    /** A replica that does not lead its shard named the one that does: ask there, not here again. */
    static boolean redirects(Throwable e) {
        return e instanceof Unavailable u && u.isSetLeaderHint();
    }

    static boolean isRetryable(Throwable e) {
        return isTransport(e) || isUnavailable(e);
    }

    /** An exception declared in the IDL leaves the stream in sync, so its connection can be reused. */
    static boolean leavesConnectionUsable(Throwable e) {
        return e instanceof TBase;
    }
}
