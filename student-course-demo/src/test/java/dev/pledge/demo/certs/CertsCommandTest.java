package dev.pledge.demo.certs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.tls.PeerIdentity;
import dev.pledge.tls.Role;
import dev.pledge.tls.TlsConfig;
import dev.pledge.tls.TlsFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pledge certs} as an operator runs it: the files it writes, what they prove, and what it refuses. */
class CertsCommandTest {
    @TempDir Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int certs(String... args) {
        CertsCommand command = new CertsCommand();
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of("--out", dir.toString()));
        all.addAll(List.of(args));
        return new CommandLine(command).execute(all.toArray(String[]::new));
    }

    private TlsConfig load(String name) {
        return TlsConfig.load(TlsFiles.inDirectory(dir, name), Clock.systemUTC());
    }

    @Test
    void everyNamedNodeOperatorAndClientGetsAKeyAndCertificateWithItsRole() {
        int exit = certs("--coordinators", "coord-1", "--participants", "student-a,student-b,course-c",
                "--operators", "alice", "--clients", "app", "--days", "30", "--dns", "localhost,127.0.0.1");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(load("coord-1").self()).isEqualTo(new PeerIdentity("coord-1", Role.COORDINATOR));
        assertThat(load("course-c").self()).isEqualTo(new PeerIdentity("course-c", Role.PARTICIPANT));
        assertThat(load("alice").self()).isEqualTo(new PeerIdentity("alice", Role.OPERATOR));
        assertThat(load("app").self()).isEqualTo(new PeerIdentity("app", Role.CLIENT));
        Instant notAfter = load("student-b").certificate().getNotAfter().toInstant();
        assertThat(notAfter).isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(30)));
        assertThat(out.toString()).contains("wrote CA " + dir.resolve("ca.crt"), "participant student-a", "--tls-key-store");
    }

    @Test
    void keysAndPasswordsAreReadableByTheirOwnerOnlyAndTheCaCertificateByAll() throws Exception {
        certs("--participants", "student-a");

        for (String secret : List.of("ca.p12", "ca.pass", "student-a.p12", "student-a.pass")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(secret)))).as(secret).isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.crt")))).endsWith("r--");
    }

    @Test
    void aRerunSignsNewNamesWithTheSameCaAndKeepsExistingCertificates() throws Exception {
        certs("--participants", "student-a");
        byte[] caBefore = Files.readAllBytes(dir.resolve("ca.crt"));
        byte[] studentABefore = Files.readAllBytes(dir.resolve("student-a.p12"));

        int exit = certs("--participants", "student-a,student-d");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(caBefore);
        assertThat(Files.readAllBytes(dir.resolve("student-a.p12"))).isEqualTo(studentABefore);
        assertThat(load("student-d").self().id()).isEqualTo("student-d");
        assertThat(out.toString()).contains("found; signing with it", "kept  participant student-a");
    }

    @Test
    void badNamesAndValiditiesAreRefusedWithOneLine() {
        assertThat(certs("--participants", "a,a")).isEqualTo(2);
        assertThat(err.toString()).contains("'a' is named twice");
        assertThat(certs("--clients", "ca")).isEqualTo(2);
        assertThat(err.toString()).contains("'ca' is the CA's file name");
        assertThat(certs("--operators", "../etc")).isEqualTo(2);
        assertThat(err.toString()).contains("operator id '../etc' must match");
        assertThat(certs("--dns", "node a", "--participants", "a")).isEqualTo(2);
        assertThat(err.toString()).contains("--dns 'node a' is neither a host name nor an IP address");
        assertThat(certs("--days", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--days must be 1 to DAYS_MAX=");
        assertThat(certs("--ca-days", "10", "--days", "11", "--clients", "app")).isEqualTo(2);
        assertThat(err.toString()).contains("cannot outlive its CA");
        assertThat(dir.resolve("app.p12")).doesNotExist();
    }
}
