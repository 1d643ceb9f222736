package dev.pledge.demo.admin;

import dev.pledge.auth.OperatorAuth;
import dev.pledge.auth.OperatorToken;
import dev.pledge.core.TxId;
import dev.pledge.demo.certs.TlsOptions;
import dev.pledge.demo.launch.DemoCluster;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.Wire;
import dev.pledge.tls.TlsConfig;
import dev.pledge.tls.TlsFiles;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.OperatorCredential;
import dev.pledge.wire.PeerView;
import dev.pledge.wire.ResolveRequest;
import dev.pledge.wire.ResolveResponse;
import dev.pledge.wire.StatsResponse;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.StatusResponse;
import dev.pledge.wire.UnknownTransaction;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pledge admin ...}: operator calls to running nodes. Exit codes: 0 done, 1 refused or
 * nothing to do, 2 node unreachable or bad input (one line on stderr).
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Operator commands: transaction status, in-doubt branches, heuristic resolve, counters, "
                + "replicated shards and replacing a replica.",
        subcommands = {AdminCommand.Status.class, AdminCommand.InDoubt.class, AdminCommand.Resolve.class,
                AdminCommand.Stats.class, ShardCommands.Shards.class, ShardCommands.Replace.class})
public final class AdminCommand {
    static final long CALL_DEADLINE_MS = 5_000;
    /** Resolve asks the coordinator and every peer before it may force: give it room. */
    static final long RESOLVE_DEADLINE_MS = 15_000;

    /** Runs one command body, turning expected failures into one line and an exit code. */
    abstract static class Base implements Callable<Integer> {
        PrintStream out = System.out;
        PrintStream err = System.err;

        @Mixin
        TlsOptions tls = new TlsOptions();

        /** Calls to {@code node}, over TLS with --as's certificate (an operator's by default) when --tls is given. */
        AdminCalls calls(Endpoint node, String role) throws AdminCalls.Failed {
            try {
                return new AdminCalls(node, role, tls.apply(AdminCalls.config(), false,
                        Path.of(DemoCluster.DATA_DIR_DEFAULT, LocalCluster.CERTS_DIR), LocalCluster.TLS_OPERATOR));
            } catch (IllegalArgumentException e) {
                throw new AdminCalls.Failed("--tls: " + e.getMessage());
            }
        }

        /**
         * The files --tls names (an operator's certificate by default), checked to load, or null
         * without --tls: for a shard's Raft port, which is not Thrift.
         */
        TlsFiles tlsFiles() throws AdminCalls.Failed {
            try {
                TlsFiles files = tls.files(false, Path.of(DemoCluster.DATA_DIR_DEFAULT, LocalCluster.CERTS_DIR), LocalCluster.TLS_OPERATOR);
                if (files != null) TlsConfig.load(files, Clock.systemUTC());
                return files;
            } catch (IllegalArgumentException e) {
                throw new AdminCalls.Failed("--tls: " + e.getMessage());
            }
        }

        abstract int run() throws Exception;

        @Override
        public Integer call() {
            try {
                return run();
            } catch (AdminCalls.Failed e) {
                err.println("pledge admin: " + e.getMessage());
                return 2;
            } catch (UnknownTransaction e) {
                err.println("pledge admin: unknown transaction: " + e.getMessage());
                return 1;
            } catch (NotAllowed e) {
                err.println("pledge admin: refused: " + e.getMessage());
                return 1;
            } catch (InvalidArgument e) {
                err.println("pledge admin: invalid: " + e.getMessage());
                return 2;
            } catch (Exception e) {
                err.println("pledge admin: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                return 2;
            }
        }

        static TxId txId(String text) throws AdminCalls.Failed {
            try {
                return TxId.parse(text);
            } catch (RuntimeException e) {
                throw new AdminCalls.Failed("TXID wants the form coord-1.7.42, got '" + text + "'");
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "A transaction's state, as its coordinator reports it (or, with --participants, their votes).")
    static final class Status extends Base {
        @Parameters(paramLabel = "TXID", description = "e.g. coord-1.7.42")
        String txId;

        @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT",
                description = "any coordinator; with --participants also one that did not issue TXID")
        String coordinator;

        @Option(names = "--participants", split = ",", paramLabel = "ID[,ID...]",
                description = "the transaction's participant ids: a coordinator with no record of TXID (another one's, "
                        + "or its own after losing its records) answers from their durable votes, changing nothing")
        List<String> participants;

        @Override
        int run() throws Exception {
            TxId id = txId(txId);
            try (AdminCalls calls = calls(AdminCalls.parse(coordinator, "--coordinator"), "coordinator")) {
                StatusRequest request = new StatusRequest(0, Wire.toWire(id));
                if (participants != null && !participants.isEmpty()) request.setParticipants(participants);
                StatusResponse s = calls.coordinator((c, ms) -> c.status(request.deepCopy().setDeadlineMs(ms)),
                        CALL_DEADLINE_MS);
                out.println(id + " " + s.getState()
                        + (s.isSetReason() ? " reason=" + s.getReason() : "")
                        + (s.isSetMessage() && !s.getMessage().isEmpty() ? " (" + s.getMessage() + ")" : "")
                        + (s.isSetParticipants() ? " participants=" + s.getParticipants() : "")
                        + (s.isSetDamage() && !s.getDamage().isEmpty() ? " DATA LOSS: " + String.join("; ", s.getDamage()) : ""));
                return 0;
            }
        }
    }

    @Command(name = "in-doubt", mixinStandardHelpOptions = true,
            description = "Prepared branches of a participant waiting for a decision, with what the coordinator and peers said; "
                    + "branches an operator forced are listed too (HEURISTIC_*). With --coordinator: committed transactions "
                    + "whose writes a participant lost (it came back on an empty data directory), as HEURISTIC_MIXED.")
    static final class InDoubt extends Base {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--participant", paramLabel = "HOST:PORT")
            String participant;
            @Option(names = "--coordinator", paramLabel = "HOST:PORT")
            String coordinator;
        }

        @Override
        int run() throws Exception {
            boolean ofCoordinator = target.coordinator != null;
            String node = ofCoordinator ? target.coordinator : target.participant;
            String flag = ofCoordinator ? "--coordinator" : "--participant";
            try (AdminCalls calls = calls(AdminCalls.parse(node, flag), ofCoordinator ? "coordinator" : "participant")) {
                InDoubtRequest req = new InDoubtRequest(CALL_DEADLINE_MS);
                req.setIncludeHeuristic(true);
                List<InDoubtBranch> branches = calls.admin((c, ms) -> c.listInDoubt(req.setDeadlineMs(ms)), CALL_DEADLINE_MS);
                if (branches.isEmpty()) {
                    out.println(ofCoordinator ? "no damaged transactions at " + node : "no branches in doubt at " + node);
                    return 0;
                }
                out.printf("%-22s %-18s %8s  %s%n", "TXID", "STATE", "AGE", "WHAT THE COORDINATOR AND PEERS SAID");
                for (InDoubtBranch b : branches) out.println(line(b));
                return 0;
            }
        }

        static String line(InDoubtBranch b) {
            String state = b.isSetState() ? b.getState().name() : "PREPARED";
            String note = b.isSetCoordinatorView() ? b.getCoordinatorView() : null;
            // A forced branch carries a note for people instead of a coordinator's answer.
            StringBuilder views = new StringBuilder(!"PREPARED".equals(state) ? String.valueOf(note)
                    : note != null ? "coordinator: " + note : "coordinator: not asked yet");
            for (PeerView p : b.getPeers()) {
                views.append("; ").append(p.getParticipantId()).append(": ")
                        .append(p.isSetError() ? p.getError() : p.getState().name());
            }
            if (!b.getParticipants().isEmpty()) views.append("; participants ").append(b.getParticipants());
            return String.format("%-22s %-18s %7.1fs  %s", Wire.fromWire(b.getTxId()), state, b.getPreparedAgeMs() / 1000.0, views);
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = "Force an in-doubt branch (a recorded HEURISTIC decision). Refused, and the real outcome applied "
                    + "instead, when the coordinator or a peer knows it.")
    static final class Resolve extends Base {
        @Parameters(paramLabel = "TXID")
        String txId;

        @ArgGroup(multiplicity = "1")
        Direction direction;

        static final class Direction {
            @Option(names = "--commit", required = true) boolean commit;
            @Option(names = "--abort", required = true) boolean abort;
        }

        @Option(names = "--participant", required = true, paramLabel = "HOST:PORT")
        String participant;

        @Option(names = "--heuristic", required = true,
                description = "required: you acknowledge that a forced outcome may contradict the real one")
        boolean heuristic;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "the operator token the participant was started with (its --operator-token-file); "
                        + "default: the demo cluster's ${DEFAULT-VALUE}")
        Path tokenFile = Path.of(DemoCluster.DATA_DIR_DEFAULT, LocalCluster.OPERATOR_TOKEN_FILE);

        @Option(names = "--operator", paramLabel = "NAME",
                description = "who is forcing it, for the participant's log (default: your user name, ${DEFAULT-VALUE})")
        String operator = System.getProperty("user.name", "operator");

        @Override
        int run() throws Exception {
            TxId id = txId(txId);
            boolean commit = direction.commit;
            OperatorCredential credential = credential();
            try (AdminCalls calls = calls(AdminCalls.parse(participant, "--participant"), "participant")) {
                ResolveResponse r = calls.admin((c, ms) -> c.resolve(new ResolveRequest(ms, Wire.toWire(id),
                        commit, heuristic).setOperator(credential)), RESOLVE_DEADLINE_MS);
                if (r.isForced()) {
                    out.println(id + " forced " + r.getState() + " at " + participant + " (recorded as a heuristic decision)");
                    return 0;
                }
                out.println(id + " not forced: " + r.getState() + " at " + participant
                        + (r.isSetMessage() ? " — " + r.getMessage() : ""));
                return 1;
            }
        }

        private OperatorCredential credential() throws AdminCalls.Failed {
            if (operator == null || !OperatorAuth.NAME.matcher(operator).matches()) {
                throw new AdminCalls.Failed("--operator wants 1-64 of [A-Za-z0-9._@-], got '" + operator + "'");
            }
            if (!Files.exists(tokenFile) && tls.requested()) {
                return new OperatorCredential(operator); // the operator certificate speaks for it
            }
            if (!Files.exists(tokenFile)) {
                throw new AdminCalls.Failed("no operator token at " + tokenFile + ": pass --token-file FILE, the file the "
                        + "participant was started with (--operator-token-file); `pledge demo up` writes "
                        + Path.of(DemoCluster.DATA_DIR_DEFAULT, LocalCluster.OPERATOR_TOKEN_FILE));
            }
            try {
                return new OperatorCredential(operator).setToken(OperatorToken.read(tokenFile));
            } catch (IOException | IllegalArgumentException e) {
                throw new AdminCalls.Failed("cannot read the operator token: " + e.getMessage());
            }
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Counters of a coordinator or participant.")
    static final class Stats extends Base {
        @Option(names = "--node", required = true, paramLabel = "HOST:PORT")
        String node;

        @Override
        int run() throws Exception {
            try (AdminCalls calls = calls(AdminCalls.parse(node, "--node"), "node")) {
                StatsResponse s = calls.admin((c, ms) -> c.stats(), CALL_DEADLINE_MS);
                out.println("node " + s.getNodeId());
                Map<String, Long> sorted = new TreeMap<>(s.getCounters());
                sorted.forEach((k, v) -> out.printf("  %-36s %d%n", k, v));
                return 0;
            }
        }
    }
}
