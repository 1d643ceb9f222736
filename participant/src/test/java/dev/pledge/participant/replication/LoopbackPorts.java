package dev.pledge.participant.replication;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Random;

/** Ports a test names before it starts a replica, since every replica must know its peers' addresses up front. */
public final class LoopbackPorts {
    private static final int PORT_LOW = 20_000;
    private static final int PORT_HIGH = 32_000;
    private static final int PORT_ATTEMPTS_MAX = 100;
    private static final Random RANDOM = new Random();

    private LoopbackPorts() {}

    /**
     * A free port below Linux's ephemeral range (32768 up), so that no outgoing connection takes it
     * while its replica is stopped and it can restart on the same address.
     */
    public static int free() throws IOException {
        for (int attempt = 0; attempt < PORT_ATTEMPTS_MAX; attempt++) {
            int port = PORT_LOW + RANDOM.nextInt(PORT_HIGH - PORT_LOW);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in [" + PORT_LOW + ", " + PORT_HIGH + ") after " + PORT_ATTEMPTS_MAX + " attempts");
    }
}
