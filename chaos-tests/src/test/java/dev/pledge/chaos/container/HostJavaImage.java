package dev.pledge.chaos.container;

import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The image every node container runs: {@code FROM scratch}, built locally (no image can be
 * pulled here). The host's Java, system libraries and the test class path are bind-mounted
 * read-only at their host paths, so the same {@code java -cp ...} line works inside.
 */
final class HostJavaImage {
    static final String NAME = "pledge-host-java:1";

    private static volatile String built;

    private HostJavaImage() {}

    static synchronized String ensure() {
        if (built == null) {
            built = new ImageFromDockerfile(NAME, false)
                    .withDockerfileFromBuilder(b -> b.from("scratch").label("dev.pledge.role", "node").build())
                    .get();
        }
        return built;
    }
}
