package dev.pledge.participant;

import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.process.ParentWatch;
import dev.pledge.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A runnable machine of generic key-value shards (Kv service only): one Raft server hosting a
 * replica of every shard named by a {@code --shard FILE}, whose lines are that shard's participant
 * flags as {@link ParticipantMain} takes them (its {@code --replica-id} is this machine's id).
 * Whether this may be the first start of a new cluster is the shards' {@code --replica-bootstrap}
 * (the machine has one Raft server, so they must agree). Prints
 * {@code machine <id> listening on <raft host:port> shards [...]} once every shard serves.
 *
 * <p>Usage: {@code --machine-id ID --data-dir DIR --shard FILE [--shard FILE ...] [--tls-key-store F
 * --tls-password-file F --tls-ca F]}. With the three TLS files (the machine's own participant
 * certificate, e.g. {@code pledge certs --participants m1}), the machine's Raft server speaks TLS
 * with a certificate at both ends; each shard's Thrift server takes its own from its flags.
 */
public final class ParticipantMachineMain {
    private ParticipantMachineMain() {}

    public static void main(String[] args) throws Exception {
        String machineId = null;
        Path dataDir = null;
        List<Path> shardFiles = new ArrayList<>();
        Path keyStore = null;
        Path passwordFile = null;
        Path ca = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--machine-id" -> machineId = value(args, ++i);
                case "--data-dir" -> dataDir = Path.of(value(args, ++i));
                case "--shard" -> shardFiles.add(Path.of(value(args, ++i)));
                case "--tls-key-store" -> keyStore = Path.of(value(args, ++i));
                case "--tls-password-file" -> passwordFile = Path.of(value(args, ++i));
                case "--tls-ca" -> ca = Path.of(value(args, ++i));
                default -> fail("unknown flag " + args[i] + "; usage: --machine-id ID --data-dir DIR --shard FILE... "
                        + "[--tls-key-store F --tls-password-file F --tls-ca F]");
            }
        }
        if ((keyStore == null) != (passwordFile == null) || (keyStore == null) != (ca == null)) {
            fail("the machine's Raft TLS needs all three of --tls-key-store, --tls-password-file and --tls-ca");
        }
        TlsFiles raftTls = keyStore == null ? null : new TlsFiles(keyStore, passwordFile, ca);
        if (machineId == null || dataDir == null || shardFiles.isEmpty()) {
            fail("--machine-id, --data-dir and at least one --shard are required");
        }
        ParentWatch.startIfRequested("machine " + machineId);
        List<ParticipantConfig> shards = new ArrayList<>();
        for (Path file : shardFiles) shards.add(ParticipantProcess.config(flags(file)));
        boolean bootstrap = shards.get(0).replication() != null && shards.get(0).replication().bootstrap();
        for (ParticipantConfig c : shards) {
            if (c.replication() == null || !c.replication().selfId().equals(machineId) || c.replication().bootstrap() != bootstrap) {
                fail("shard " + c.core().participantId() + " must be replicated with --replica-id " + machineId
                        + " and the same --replica-bootstrap as every other shard of the machine");
            }
        }
        ParticipantMachine machine;
        try {
            machine = ParticipantMachine.open(machineId, dataDir, shards, bootstrap, raftTls).start(node -> node);
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            machine.close();
            stopped.countDown();
        }, "machine-shutdown"));
        System.out.println("machine " + machineId + " listening on " + shards.get(0).replication().replicas().get(machineId).raft()
                + " shards " + shards.stream().map(c -> c.core().participantId() + " on " + c.rpc().listen()).toList());
        System.out.flush();
        stopped.await();
    }

    /** A shard's flags: one per line, blank lines skipped. */
    private static List<String> flags(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) fail("flag " + args[i - 1] + " needs a value");
        return args[i];
    }

    private static void fail(String why) {
        System.err.println("pledge-participant-machine: " + why);
        System.exit(2);
    }
}
