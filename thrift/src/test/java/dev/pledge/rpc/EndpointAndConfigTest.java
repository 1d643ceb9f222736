package dev.pledge.rpc;

import dev.pledge.core.Backoff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointAndConfigTest {

    @Test
    void endpointParsesAndPrintsHostColonPort() {
        Endpoint e = Endpoint.parse("shard-a.local:7001");
        assertThat(e).isEqualTo(new Endpoint("shard-a.local", 7001));
        assertThat(e.toString()).isEqualTo("shard-a.local:7001");
        assertThat(Endpoint.parse("[::1]:9090")).isEqualTo(new Endpoint("::1", 9090));
        assertThat(new Endpoint("::1", 9090).toString()).isEqualTo("[::1]:9090");
    }

    @Test
    void malformedEndpointsAreRejectedClearly() {
        for (String bad : new String[] {"nohost", ":7000", "host:", "host:port", "host:70000"}) {
            assertThatThrownBy(() -> Endpoint.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Endpoint.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsAreValid() {
        RpcClientConfig c = RpcClientConfig.defaults();
        assertThat(c.poolSize()).isEqualTo(8);
        assertThat(c.maxAttempts()).isEqualTo(5);
        assertThat(c.maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(RpcServerConfig.defaults("0.0.0.0", 0).limits().maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
    }

    @Test
    void clientConfigRejectsValuesThatWouldUnboundALoopOrPool() {
        RpcClientConfig d = RpcClientConfig.defaults();
        assertThatThrownBy(() -> d.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> d.withMaxAttempts(1_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withBackoff(100, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backoffMaxMs");
        assertThatThrownBy(() -> d.withRetryBudget(1.5, 10, 1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withPoolSize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withBreaker(0, 1000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serverConfigRejectsUnboundedOrInconsistentLimits() {
        ServerLimits d = ServerLimits.DEFAULTS;
        assertThatThrownBy(() -> d.withWorkers(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withWorkers(1_000_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withMaxFrameBytes(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withConnections(10, 11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withConnections(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withMaxBufferedBytes(d.maxFrameBytes() - 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withTimeouts(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withTimeouts(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
