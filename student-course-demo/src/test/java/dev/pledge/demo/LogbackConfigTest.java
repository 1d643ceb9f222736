package dev.pledge.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The logging configurations the commands and nodes load parse cleanly. A malformed one does not
 * stop a program: logback prints a parse error and its stack trace into the user's console.
 */
class LogbackConfigTest {

    @ParameterizedTest
    @ValueSource(strings = {"logback-cli.xml", "logback.xml"})
    void parsesWithoutErrors(String resource) throws Exception {
        URL url = getClass().getClassLoader().getResource(resource);
        assertThat(url).as(resource + " on the classpath").isNotNull();
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(url);
        } catch (Exception e) {
            // Reported below with logback's own messages.
        }
        List<Status> problems = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getEffectiveLevel() >= Status.WARN).toList();
        assertThat(problems).as(resource).isEmpty();
        context.stop();
    }
}
