package dev.pledge.demo.certs;

import dev.pledge.core.Check;
import dev.pledge.tls.PeerIdentity;
import dev.pledge.tls.Role;
import dev.pledge.tls.TlsFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pledge certs}: a CA and one key and certificate per coordinator, participant, operator and
 * client of a cluster. Rerun on the same directory, it signs new names with the CA it finds there
 * and keeps the certificates that exist. Exit codes: 0 done, 2 bad input (one line on stderr).
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = "Make a cluster CA and a TLS key and certificate for each node, operator and client.")
public final class CertsCommand implements Callable<Integer> {
    static final int DAYS_DEFAULT = 365;
    static final int CA_DAYS_DEFAULT = 3_650;
    /** Longest validity, in days, of any certificate this command makes (the CA's included). */
    static final int DAYS_MAX = 36_500;
    /** A DNS name --dns accepts (or else an IP literal): letters, digits, dots and hyphens, at most 253 characters. */
    static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    /** Certificates start this long before now, so a node whose clock is a little behind accepts them. */
    static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(10);

    @Option(names = "--out", required = true, description = "Directory of the CA and the certificates (created if missing).")
    Path dir;

    @Option(names = "--coordinators", split = ",", paramLabel = "ID", description = "Coordinator node ids, e.g. coord-1.")
    List<String> coordinators = List.of();

    @Option(names = "--participants", split = ",", paramLabel = "ID", description = "Participant node ids, e.g. student-a,student-b,course-c.")
    List<String> participants = List.of();

    @Option(names = "--operators", split = ",", paramLabel = "NAME", description = "Operators allowed to force outcomes, e.g. alice.")
    List<String> operators = List.of();

    @Option(names = "--clients", split = ",", paramLabel = "NAME", description = "Applications calling the cluster, e.g. app.")
    List<String> clients = List.of();

    @Option(names = "--days", description = "Days each new certificate is valid (default ${DEFAULT-VALUE}, at most " + DAYS_MAX + ").")
    int days = DAYS_DEFAULT;

    @Option(names = "--ca-days", description = "Days a new CA is valid (default ${DEFAULT-VALUE}, at most " + DAYS_MAX + ").")
    int caDays = CA_DAYS_DEFAULT;

    @Option(names = "--dns", split = ",", paramLabel = "HOST",
            description = "Host names or IPs added to every node certificate, for clients that check host names (Pledge checks ids).")
    List<String> hostNames = List.of();

    PrintStream out = System.out;
    PrintStream err = System.err;
    Clock clock = Clock.systemUTC();
    SecureRandom random = new SecureRandom();

    /** What {@code pledge certs} does, quietly, for a cluster this process launches (demo and bench --tls). */
    public static void make(Path dir, List<String> coordinators, List<String> participants, List<String> operators,
                            List<String> clients) throws IOException {
        CertsCommand command = new CertsCommand();
        command.dir = dir;
        command.coordinators = List.copyOf(coordinators);
        command.participants = List.copyOf(participants);
        command.operators = List.copyOf(operators);
        command.clients = List.copyOf(clients);
        command.out = new PrintStream(OutputStream.nullOutputStream());
        command.run();
    }

    @Override
    public Integer call() {
        try {
            run();
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            err.println("pledge certs: " + e.getMessage());
            return 2;
        }
    }

    private void run() throws IOException {
        Check.argument(days >= 1 && days <= DAYS_MAX, "--days must be 1 to DAYS_MAX=%s, got %s", DAYS_MAX, days);
        Check.argument(caDays >= 1 && caDays <= DAYS_MAX, "--ca-days must be 1 to DAYS_MAX=%s, got %s", DAYS_MAX, caDays);
        for (String host : hostNames) {
            Check.argument(HOST_NAME.matcher(host).matches() || IPAddress.isValid(host),
                    "--dns '%s' is neither a host name nor an IP address", host);
        }
        List<PeerIdentity> identities = identities();
        Instant notBefore = clock.instant().minus(CLOCK_SKEW_ALLOWANCE);
        CertificateDirectory directory = new CertificateDirectory(dir, random);
        CertificateAuthority ca;
        if (directory.hasCa()) {
            ca = directory.loadCa();
            out.println("CA " + directory.files(CertificateDirectory.CA_NAME).caCertificate() + " found; signing with it (valid until "
                    + ca.certificate().getNotAfter().toInstant() + ")");
        } else {
            String name = "Pledge cluster CA " + Long.toHexString(random.nextLong() >>> 32);
            ca = CertificateAuthority.create(name, notBefore, notBefore.plus(Duration.ofDays(caDays)), random);
            directory.saveCa(ca);
            TlsFiles caFiles = directory.files(CertificateDirectory.CA_NAME);
            out.println("wrote CA " + caFiles.caCertificate() + " (trusted by every node and client), valid until "
                    + ca.certificate().getNotAfter().toInstant());
            out.println("wrote CA key " + caFiles.keyStore() + " and " + caFiles.passwordFile()
                    + " (owner-only: keep them here and private; only pledge certs uses them)");
        }
        for (PeerIdentity identity : identities) {
            TlsFiles files = directory.files(identity.id());
            if (Files.exists(files.keyStore())) {
                out.println("kept  " + pad(identity) + files.keyStore() + " (exists; delete it and its .pass to reissue)");
                continue;
            }
            List<String> hosts = identity.role().isNode() ? hostNames : List.of();
            X509Certificate certificate = directory.issue(ca, identity, hosts, notBefore, notBefore.plus(Duration.ofDays(days)));
            out.println("wrote " + pad(identity) + files.keyStore() + " + " + files.passwordFile().getFileName() + ", valid until "
                    + certificate.getNotAfter().toInstant());
        }
        out.println("Each node, operator and client uses three files: NAME.p12 (its key and certificate), NAME.pass (the .p12's");
        out.println("password) and " + TlsFiles.CA_CERTIFICATE + " (the only CA it trusts). Point them at those files with");
        out.println("  --tls-key-store " + dir.resolve("NAME" + TlsFiles.KEY_STORE_SUFFIX) + " --tls-password-file "
                + dir.resolve("NAME" + TlsFiles.PASSWORD_SUFFIX) + " --tls-ca " + dir.resolve(TlsFiles.CA_CERTIFICATE));
    }

    private List<PeerIdentity> identities() {
        List<PeerIdentity> identities = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        addAll(identities, seen, coordinators, Role.COORDINATOR);
        addAll(identities, seen, participants, Role.PARTICIPANT);
        addAll(identities, seen, operators, Role.OPERATOR);
        addAll(identities, seen, clients, Role.CLIENT);
        return identities;
    }

    private static void addAll(List<PeerIdentity> identities, Set<String> seen, List<String> ids, Role role) {
        for (String id : ids) {
            Check.argument(PeerIdentity.ID.matcher(id).matches(), "%s id '%s' must match %s", role.label(), id, PeerIdentity.ID.pattern());
            Check.argument(!id.equals(CertificateDirectory.CA_NAME), "'%s' is the CA's file name; pick another id", id);
            Check.argument(seen.add(id), "'%s' is named twice: one certificate has one role", id);
            identities.add(new PeerIdentity(id, role));
        }
    }

    private static String pad(PeerIdentity identity) {
        return String.format("%-24s ", identity);
    }
}
