package dev.pledge.rpc;

/** Names under which services are registered in a node's {@code TMultiplexedProcessor}. */
public final class Services {
    public static final String COORDINATOR = "Coordinator";
    public static final String PARTICIPANT = "Participant";
    public static final String KV = "Kv";
    public static final String ADMIN = "Admin";

    private Services() {}
}
