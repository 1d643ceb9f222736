package dev.pledge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/** Checks on plain sockets that a test drives by hand. */
public final class RawSockets {
    private RawSockets() {}

    /** The server closed {@code raw} (end of stream or reset) within the socket's read timeout. */
    public static void assertClosedByServer(Socket raw) throws IOException {
        InputStream in = raw.getInputStream();
        int read;
        try {
            read = in.read();
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the server did not close the connection", stillOpen);
        } catch (SocketException reset) {
            return; // a reset is a close too
        }
        assertThat(read).as("server closed the connection").isEqualTo(-1);
    }
}
