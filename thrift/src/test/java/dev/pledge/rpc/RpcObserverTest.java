package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.wire.Coordinator;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Metrics hear every retry and every breaker change of every client in the process. */
class RpcObserverTest {
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final RpcObserver observer = new RpcObserver() {
        @Override
        public void retried(Endpoint endpoint, String serviceName, int attempt) {
            heard.add("retry " + serviceName + " " + attempt);
        }

        @Override
        public void breakerChanged(Endpoint endpoint, String from, String to) {
            heard.add("breaker " + from + "->" + to);
        }
    };

    @AfterEach
    void remove() {
        RpcObserver.remove(observer);
    }

    @Test
    void observersHearRetriesAndTheBreakerOpeningOnADeadEndpoint() throws IOException {
        RpcObserver.add(observer);
        Endpoint dead = deadEndpoint();
        RpcClientConfig config = RpcClientConfig.defaults().withMaxAttempts(3).withBackoff(1, 2).withBreaker(2, 60_000);
        try (RpcClient client = new RpcClient(dead, config)) {
            assertThatThrownBy(() -> client.call(Services.COORDINATOR, new Coordinator.Client.Factory(),
                    (c, ms) -> c.ping(), 5_000)).isInstanceOf(RpcException.class);
        }
        assertThat(heard).contains("retry " + Services.COORDINATOR + " 1", "breaker CLOSED->OPEN");
    }

    @Test
    void aThrowingObserverNeverFailsTheCall() throws IOException {
        RpcObserver broken = new RpcObserver() {
            @Override
            public void retried(Endpoint endpoint, String serviceName, int attempt) {
                throw new IllegalStateException("broken metrics");
            }
        };
        RpcObserver.add(broken);
        try {
            try (RpcClient client = new RpcClient(deadEndpoint(), RpcClientConfig.defaults().withMaxAttempts(2).withBackoff(1, 2))) {
                assertThatThrownBy(() -> client.call(Services.COORDINATOR, new Coordinator.Client.Factory(),
                        (c, ms) -> c.ping(), 5_000)).isInstanceOf(RpcException.class);
            }
        } finally {
            RpcObserver.remove(broken);
        }
    }

    /** A loopback port nobody listens on. */
    private static Endpoint deadEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return new Endpoint("127.0.0.1", s.getLocalPort());
        }
    }
}
