/*
 * pledge.thrift: the wire contract of Pledge, the source of truth for every node and client.
 *
 * Compatibility rules (never break them):
 *  - A field id, once used, keeps its name, type and meaning forever; removed ids are never reused.
 *  - Fields added after 0.1 are optional, so a client built from an older struct still works.
 *  - Every request carries `deadlineMs`: the milliseconds the caller will still wait for this
 *    answer. Servers drop work whose deadline has passed instead of doing it late; a request that
 *    arrives with `deadlineMs <= 0` is answered DeadlineExceeded.
 *  - Exceptions added to a method's throws list take the next free field id at its end, so a
 *    client built before sees an unknown exception field, never a changed one.
 *
 * Each method says whether it is IDEMPOTENT (same effect however often it arrives) and whether a
 * caller MAY RETRY it after a transport failure or timeout. Application answers (a NO vote,
 * UnknownTransaction, InvalidArgument, NotAllowed, DeadlineExceeded) are never retried; Unavailable is.
 *
 * Every method that takes a request declares InvalidArgument: malformed input, its message naming
 * the field. That is a missing request struct ("request is required"), a TxId with an empty
 * coordinator id or an epoch or sequence below 1, a missing or malformed TxContext, a negative number
 * where only >= 0 means something, a string, list or byte array over its Limits. A well-formed
 * request never gets TApplicationException(INTERNAL_ERROR); only bytes that are not this IDL (a
 * struct without a required field, an unknown method) get Thrift's own PROTOCOL_ERROR or
 * UNKNOWN_METHOD. No request carries an enum; a response enum a client does not know arrives as
 * null, and the converters in dev.pledge.rpc.Wire refuse it.
 */

namespace java dev.pledge.wire

// ---------------------------------------------------------------------------------------------
// Identity

/**
 * A transaction id, unique across coordinator restarts: the coordinator's node id, the durable
 * epoch it started with (synced before any TxId is handed out) and a sequence within the epoch.
 * Ordering: (epoch, sequence); an older transaction has the smaller pair. Text form: "coord-1.7.42".
 */
struct TxId {
  1: required string coordinatorId,
  2: required i64 epoch,
  3: required i64 sequence,
}

/**
 * What a participant operation carries so that a retried call applies once (I7):
 * the transaction, and a sequence number the client gives each operation of the transaction.
 * A retried operation re-sends the same opSeq and receives the first answer.
 */
struct TxContext {
  1: required TxId txId,
  2: required i64 opSeq,
  3: required i64 deadlineMs,
}

// ---------------------------------------------------------------------------------------------
// Enums

/** Global transaction state, as the coordinator reports it. */
enum TxState {
  /** Begun; operations may enlist participants. */
  ACTIVE = 1,
  /** Commit requested; votes are being collected. No decision yet. */
  PREPARING = 2,
  /** Decided COMMIT (durable). Final. */
  COMMITTED = 3,
  /** Decided ABORT, or presumed aborted (no record, provably never committed). Final. */
  ABORTED = 4,
  /** The record was dropped after its retention period; the outcome can no longer be told. */
  FORGOTTEN = 5,
}

enum Vote {
  /** PREPARED is durable; the participant will commit or abort only as told. */
  YES = 1,
  /** The branch is aborted; the reason comes with the vote. */
  NO = 2,
  /** The branch only read; its locks are released and it takes no part in phase two. */
  READ_ONLY = 3,
}

/** Why a transaction or branch was aborted. The human-readable detail travels beside it. */
enum AbortReason {
  CLIENT_REQUESTED = 1,
  DEADLINE_EXCEEDED = 2,
  /** A participant voted NO; its reason code and message are in the detail. */
  PARTICIPANT_VOTED_NO = 3,
  /** A participant could not be reached to prepare within the deadline. */
  PARTICIPANT_UNREACHABLE = 4,
  /** No decision record exists and the coordinator can prove the transaction never committed. */
  PRESUMED_ABORT = 5,
  /** A lock was not granted in time; for a write-only transaction, a key another transaction
   *  held at prepare. Worth retrying. */
  LOCK_TIMEOUT = 6,
  /** Wait-die: a younger transaction asked for a lock an older one holds. */
  DEADLOCK_AVOIDED = 7,
  /** The participant restarted and lost the unprepared branch. */
  PARTICIPANT_RESTARTED = 8,
  /** The application's validation refused the branch at prepare (e.g. "course full"). */
  VALIDATION_FAILED = 9,
  /** Decided by cooperative termination among participants while the coordinator was away. */
  COOPERATIVE_TERMINATION = 10,
  /** An operator forced the outcome. */
  HEURISTIC = 11,
  /** The branch is unknown to the participant (never seen, or lost before it prepared). */
  UNKNOWN_BRANCH = 12,
  /** A prepare for a transaction this participant has already finished: a stale prepare, or a
   *  TxId used twice. Its earlier vote is never repeated for it. */
  ALREADY_FINISHED = 13,
}

/** A participant's view of its own branch of a transaction (for peers and operators). */
enum BranchState {
  /** This participant has no trace of the transaction. */
  UNKNOWN = 1,
  /** Operations seen, not prepared; still abortable. */
  ACTIVE = 2,
  /** Voted YES; waiting for the decision. */
  PREPARED = 3,
  COMMITTED = 4,
  ABORTED = 5,
  /** Forced by an operator; the real outcome has not contradicted it (yet). */
  HEURISTIC_COMMITTED = 6,
  HEURISTIC_ABORTED = 7,
  /** An operator forced one outcome and the real decision was the other. Loud, never hidden. */
  HEURISTIC_MIXED = 8,
}

// ---------------------------------------------------------------------------------------------
// Exceptions

/** The transaction id is not known to this node (never issued here, or not ours). Do not retry. */
exception UnknownTransaction {
  1: required TxId txId,
  2: required string message,
}

/** The request is malformed or names something that does not exist. Do not retry. */
exception InvalidArgument {
  1: required string message,
}

/** The request is valid but not allowed in the transaction's current state. Do not retry. */
exception NotAllowed {
  1: required string message,
  2: optional TxState state,
}

/** The node is overloaded, starting, stopping or cannot reach what it needs. Retry with backoff. */
exception Unavailable {
  1: required string message,
  2: optional i64 retryAfterMs,
  /** host:port of the node that serves this participant now: this one is a replica that does not
   *  lead its shard. Clients call there instead (the leader may change again; bound the hops). */
  3: optional string leaderHint,
}

/**
 * The request's deadline had passed when the node came to it (`deadlineMs <= 0`): nothing was
 * done, and the same request can never succeed. Do not retry it; send a new one with time left.
 */
exception DeadlineExceeded {
  1: required string message,
}

// ---------------------------------------------------------------------------------------------
// Coordinator

struct BeginRequest {
  1: required i64 deadlineMs,
  /** How long the transaction may live before the coordinator aborts it (0 = server default). */
  2: required i64 txTimeoutMs,
  /** Free-form caller name, for logs. */
  3: optional string clientName,
}

struct BeginResponse {
  1: required TxId txId,
  /** The timeout the coordinator applied (after clamping to its limits). */
  2: required i64 txTimeoutMs,
}

struct EnlistRequest {
  1: required i64 deadlineMs,
  2: required TxId txId,
  /** An id from the coordinator's configured registry; never an address. */
  3: required string participantId,
  /**
   * The participant's incarnation (a durable counter bumped at each start). A branch enlisted by
   * one incarnation and touched again by another was lost in a restart: the transaction aborts.
   */
  4: required i64 incarnation,
}

struct EnlistResponse {
  /** Milliseconds left before the coordinator aborts the transaction. */
  1: required i64 txRemainingMs,
}

/**
 * One write of a buffered write set: `value` set = put, unset = delete. Keys are opaque bytes,
 * the same keys the Kv service reads and writes.
 */
struct KvWrite {
  1: required binary key,
  2: optional binary value,
}

struct CommitRequest {
  1: required i64 deadlineMs,
  2: required TxId txId,
}

struct Outcome {
  /** COMMITTED or ABORTED when decided; PREPARING when the decision was not reached in time. */
  1: required TxState state,
  2: optional AbortReason reason,
  /** Detail for people: which participant, and what it said. */
  3: optional string message,
  /** COMMITTED, but a participant lost its committed writes (its data directory was replaced
   *  after it voted YES): one line per damaged participant. Unset or empty when clean. Operators
   *  see the same in `pledge admin in-doubt --coordinator`, stats and /metrics. */
  4: optional list<string> damage,
}

/** One participant's part of a write-only transaction whose writes were buffered at the client. */
struct BranchWrites {
  /** An id from the coordinator's configured registry. */
  1: required string participantId,
  2: required list<KvWrite> writes,
}

/**
 * A whole write-only transaction, sent once at commit: the coordinator begins it, sends each
 * participant its writes with the prepare (one participant: one-phase commit) and answers the
 * outcome. No enlistment and no per-write calls.
 */
struct WriteTransaction {
  /**
   * 16 random bytes the client picks once per transaction and repeats on every retry: a retry
   * of a transaction the coordinator already has joins it (same TxId, same outcome) instead of
   * running it twice, also after a coordinator restart once its COMMIT is durable.
   */
  1: required binary requestKey,
  2: required list<BranchWrites> branches,
  /** 0 = server default. */
  3: required i64 txTimeoutMs,
  /**
   * Set on every send after the first (a retry, or a new round): an earlier send may have reached
   * the coordinator. A coordinator that does not know the key and whose records start too
   * recently to rule that out (it came back on an empty disk) answers FORGOTTEN instead of
   * running the writes a second time.
   */
  4: optional bool resend,
}

struct CommitWritesRequest {
  1: required i64 deadlineMs,
  /** Many transactions in one call (a client's concurrent commits, coalesced). */
  2: required list<WriteTransaction> transactions,
}

/** What happened to one WriteTransaction. */
struct WriteResult {
  /** Unset only when the coordinator refused the transaction before giving it an id. */
  1: optional TxId txId,
  /** COMMITTED; ABORTED with the reason; PREPARING when undecided at the request's deadline
   *  (ask status for the txId). */
  2: required Outcome outcome,
  /** Set when the transaction was refused as malformed (nothing was done): the reason. */
  3: optional string invalid,
}

struct CommitWritesResponse {
  /** One result per transaction, in request order. */
  1: required list<WriteResult> results,
}

struct AbortRequest {
  1: required i64 deadlineMs,
  2: required TxId txId,
}

struct StatusRequest {
  1: required i64 deadlineMs,
  2: required TxId txId,
  /** The transaction's participant ids, when the caller knows them (the SDK does). A coordinator
   *  with no record of txId (another coordinator, or its own after losing its records) then asks
   *  those participants what they durably voted, without changing anything, and answers from their
   *  votes: COMMITTED if all voted yes (or one committed), ABORTED if one refused, PREPARING while
   *  some have not voted or cannot be reached, FORGOTTEN if none has a record. At most
   *  Limits.PARTICIPANTS_PER_TX_MAX ids. */
  3: optional list<string> participants,
}

struct StatusResponse {
  1: required TxState state,
  2: optional AbortReason reason,
  3: optional string message,
  /** Participants enlisted so far (when known). */
  4: optional list<string> participants,
  /** As Outcome.damage. */
  5: optional list<string> damage,
}

struct PingResponse {
  1: required string nodeId,
  /** Coordinator epoch, or participant incarnation. */
  2: required i64 epoch,
  /** The identity of the node's storage (its data directory); new when it started on an empty one. */
  3: optional i64 storageId,
}

service Coordinator {
  /** Starts a transaction. NOT idempotent (each call makes a new TxId); MAY RETRY: an orphan
   *  from a lost reply holds nothing and is aborted at its deadline. InvalidArgument for a
   *  negative txTimeoutMs. */
  BeginResponse begin(1: BeginRequest request)
      throws (1: InvalidArgument invalid, 2: Unavailable unavailable, 3: DeadlineExceeded deadlineExceeded),

  /** Adds a participant to an ACTIVE transaction. IDEMPOTENT; MAY RETRY.
   *  NotAllowed once commit or abort has started; InvalidArgument for a malformed txId, an
   *  unregistered id or a negative incarnation. */
  EnlistResponse enlist(1: EnlistRequest request)
      throws (1: UnknownTransaction unknown, 2: InvalidArgument invalid, 3: NotAllowed notAllowed,
              4: Unavailable unavailable, 5: DeadlineExceeded deadlineExceeded),

  /** Runs two-phase commit and answers the outcome: COMMITTED, ABORTED with reason, or
   *  PREPARING if undecided when the request's deadline ran out. IDEMPOTENT (a repeat returns
   *  the recorded outcome); MAY RETRY. NotAllowed after the client's own abort; InvalidArgument
   *  for a malformed txId. */
  Outcome commit(1: CommitRequest request)
      throws (1: UnknownTransaction unknown, 2: NotAllowed notAllowed, 3: Unavailable unavailable,
              4: InvalidArgument invalid, 5: DeadlineExceeded deadlineExceeded),

  /** Aborts a transaction that has no decision yet. IDEMPOTENT; MAY RETRY.
   *  NotAllowed if it already committed; InvalidArgument for a malformed txId. */
  Outcome abort(1: AbortRequest request)
      throws (1: UnknownTransaction unknown, 2: NotAllowed notAllowed, 3: Unavailable unavailable,
              4: InvalidArgument invalid, 5: DeadlineExceeded deadlineExceeded),

  /** The transaction's state; never ABORTED for a committed transaction (FORGOTTEN after
   *  retention). For a transaction of another coordinator, or one this coordinator has no record
   *  of, the answer comes from the participants named in the request (see StatusRequest), else
   *  UnknownTransaction (another coordinator's) or FORGOTTEN. InvalidArgument for a malformed txId,
   *  or participants over the limit or not registered here. Read-only: IDEMPOTENT; MAY RETRY. */
  StatusResponse status(1: StatusRequest request)
      throws (1: UnknownTransaction unknown, 2: Unavailable unavailable, 3: InvalidArgument invalid,
              4: DeadlineExceeded deadlineExceeded),

  /** Runs whole write-only transactions (see WriteTransaction) and answers each outcome.
   *  IDEMPOTENT per requestKey; MAY RETRY. Unavailable means none of them was started. */
  CommitWritesResponse commitWrites(1: CommitWritesRequest request)
      throws (1: InvalidArgument invalid, 2: Unavailable unavailable, 3: DeadlineExceeded deadlineExceeded),

  /** Liveness and identity. IDEMPOTENT; MAY RETRY. */
  PingResponse ping(),
}

// ---------------------------------------------------------------------------------------------
// Participant (the protocol side; the application's own service is multiplexed beside it)

/** A participant's answer to one PrepareItem: its vote, durable before it is sent. */
struct PrepareResponse {
  1: required Vote vote,
  2: optional AbortReason reason,
  3: optional string message,
  /** For a one-phase item (PrepareItem.onePhase): the branch's state after the call, COMMITTED or
   *  ABORTED; anything else means undecided here (ask again with peerState). */
  4: optional BranchState onePhaseState,
  /** The identity of the participant's storage (its data directory) the vote is durable on. A
   *  different identity later means the storage was replaced and the vote is gone. */
  5: optional i64 storageId,
}

/** A participant's answer to one DecisionItem. */
struct Ack {
  /** The branch's state after applying the decision (COMMITTED, ABORTED or a HEURISTIC_* state). */
  1: required BranchState state,
  /** The storage identity the participant answers from (see PrepareResponse.storageId). */
  2: optional i64 storageId,
}

/**
 * Phase one of one transaction at this participant. The participant validates, makes PREPARED
 * durable, then votes YES; or votes NO (and aborts); or READ_ONLY (and releases). A repeat returns
 * the same vote.
 */
struct PrepareItem {
  1: required TxId txId,
  /** Every participant of the transaction (ids), for cooperative termination. */
  2: required list<string> participants,
  /** The incarnation that enlisted the branch; ignored when `writes` is set. */
  3: required i64 incarnation,
  /**
   * The branch's whole write set, buffered at the client. The participant creates the branch,
   * takes exclusive locks on every key without waiting (a key locked by another transaction
   * means a NO vote, reason LOCK_TIMEOUT), validates and prepares, all in one step. A repeat
   * returns the first vote. Unset for a branch built by earlier operations.
   */
  4: optional list<KvWrite> writes,
  /**
   * Commit this branch in one phase (it is the transaction's only participant) instead of
   * preparing it: the participant validates and commits directly, and answers the branch's state
   * in PrepareResponse.onePhaseState. Lets one-phase commits of many transactions share a call
   * and a log sync.
   */
  5: optional bool onePhase,
}

/**
 * Phase two of one transaction at this participant. Commit: applied data and the dropped PREPARED
 * record are durable before the Ack. An unknown or finished branch is acknowledged.
 */
struct DecisionItem {
  1: required TxId txId,
  /** true = commit, false = abort. */
  2: required bool commit,
}

/**
 * Both phases for many transactions in one call: what a coordinator sends each participant, and
 * what the XA resource sends (one item at a time).
 */
struct ExchangeRequest {
  1: required i64 deadlineMs,
  2: required list<PrepareItem> prepares,
  /** Other transactions than the prepares. */
  3: required list<DecisionItem> decisions,
}

struct ExchangeResponse {
  /** One per prepare, in request order. */
  1: required list<PrepareResponse> votes,
  /** One per decision, in request order. */
  2: required list<Ack> acks,
}

struct RecoverRequest {
  1: required i64 deadlineMs,
  /** Only branches whose TxId.coordinatorId starts with this (e.g. "xa:"). */
  2: required string coordinatorIdPrefix,
}

struct PeerStateRequest {
  1: required i64 deadlineMs,
  2: required TxId txId,
  /** The participant asking (for logs). */
  3: required string askingParticipantId,
  /** Only report, change nothing: an unvoted branch is answered ACTIVE and an unknown transaction
   *  UNKNOWN, neither refused. For a coordinator answering status of a transaction it has no record
   *  of; a prepared peer resolving a branch never sets it. */
  4: optional bool inquireOnly,
}

struct PeerStateResponse {
  /** PREPARED, COMMITTED or ABORTED. A branch that had not voted is aborted first (it will vote
   *  NO) and reported ABORTED; UNKNOWN becomes ABORTED the same way, except for an outcome that may
   *  have been swept (UNKNOWN: forgetting never becomes a refusal). With inquireOnly, ACTIVE and
   *  UNKNOWN are answered as they are. */
  1: required BranchState state,
  /** The storage identity the peer answers from (see PrepareResponse.storageId). */
  2: optional i64 storageId,
}

service Participant {
  // With TLS on, exchange, peerState and recoverPrepared answer NotAllowed, doing nothing, to a
  // caller whose certificate names neither a coordinator this participant serves nor a peer of its
  // registry (an XA transaction manager needs a certificate with the coordinator role).

  /**
   * The one protocol call for both phases, for many transactions at once: phase two of earlier
   * transactions rides with phase one of later ones, in one round trip and one log sync. Each
   * prepare behaves as PrepareItem says (with writes, it creates and prepares its branch in one
   * step; with onePhase, it commits it), each decision as DecisionItem says. A malformed prepare
   * item gets a NO vote of its own and the rest go on; so does one over a limit (more than
   * Limits.PARTICIPANTS_PER_TX_MAX participants, WRITES_PER_BRANCH_MAX writes, a key over
   * KEY_BYTES_MAX or a value over VALUE_BYTES_MAX bytes, an id over ID_CHARS_MAX characters).
   * InvalidArgument, and nothing done, for more than Limits.BATCH_ITEMS_MAX (1,024) items in all
   * or a malformed decision item. IDEMPOTENT; MAY RETRY (not InvalidArgument).
   */
  ExchangeResponse exchange(1: ExchangeRequest request)
      throws (1: Unavailable unavailable, 2: InvalidArgument invalid, 3: DeadlineExceeded deadlineExceeded,
              4: NotAllowed notAllowed),

  /** Cooperative termination: a prepared peer asks what this participant knows of a
   *  transaction. IDEMPOTENT in effect (the first call may abort an unvoted branch); MAY RETRY.
   *  InvalidArgument for a malformed txId or an asking id over Limits.ID_CHARS_MAX. */
  PeerStateResponse peerState(1: PeerStateRequest request)
      throws (1: Unavailable unavailable, 2: InvalidArgument invalid, 3: DeadlineExceeded deadlineExceeded,
              4: NotAllowed notAllowed),

  /** PREPARED branches (in doubt) whose coordinator id starts with the prefix: what an external
   *  transaction manager asks at recovery (XAResource.recover). Read-only; MAY RETRY. */
  list<TxId> recoverPrepared(1: RecoverRequest request)
      throws (1: Unavailable unavailable, 2: InvalidArgument invalid, 3: DeadlineExceeded deadlineExceeded,
              4: NotAllowed notAllowed),

  PingResponse ping(),
}

/**
 * A transactional key-value store every participant offers beside its application service:
 * used by tools, benchmarks and tests. Keys and values are opaque bytes.
 * Operations are retried safely by re-sending the same TxContext.opSeq. InvalidArgument for a
 * missing or malformed TxContext (its txId as everywhere, an opSeq below 1, a transaction of a
 * coordinator this participant does not serve), a missing, empty or oversized key, a missing or
 * oversized value.
 */
struct KvGetResponse {
  1: optional binary value,
}

service Kv {
  KvGetResponse get(1: TxContext ctx, 2: binary key)
      throws (1: NotAllowed notAllowed, 2: InvalidArgument invalid, 3: Unavailable unavailable,
              4: DeadlineExceeded deadlineExceeded),
  void put(1: TxContext ctx, 2: binary key, 3: binary value)
      throws (1: NotAllowed notAllowed, 2: InvalidArgument invalid, 3: Unavailable unavailable,
              4: DeadlineExceeded deadlineExceeded),
  void remove(1: TxContext ctx, 2: binary key)
      throws (1: NotAllowed notAllowed, 2: InvalidArgument invalid, 3: Unavailable unavailable,
              4: DeadlineExceeded deadlineExceeded),
}

// ---------------------------------------------------------------------------------------------
// Admin (operators)

struct PeerView {
  1: required string participantId,
  /** What that peer said when last asked; UNKNOWN if unreachable. */
  2: required BranchState state,
  3: optional string error,
}

struct InDoubtBranch {
  1: required TxId txId,
  2: required i64 preparedAgeMs,
  3: required list<string> participants,
  4: required list<PeerView> peers,
  /** What the coordinator said when last asked ("unreachable" when it was not). */
  5: optional string coordinatorView,
  /** PREPARED for a branch still in doubt; HEURISTIC_* for one an operator forced (kept listed,
   *  so that a later HEURISTIC_MIXED stays visible). Unset from older servers: PREPARED. */
  6: optional BranchState state,
}

struct InDoubtRequest {
  1: required i64 deadlineMs,
  /** Also ask peers and the coordinator now (slower). */
  2: optional bool probe,
  /** Also list branches an operator forced (HEURISTIC_*) whose outcome is still remembered. */
  3: optional bool includeHeuristic,
}

/**
 * An operator's identity on a mutating Admin call. Without TLS the node checks `token` against the
 * one it was configured with (`--operator-token-file`); `name` says who forced a decision in its log
 * (1-64 of [A-Za-z0-9._@-]; the token proves the caller is an operator, not which one).
 */
struct OperatorCredential {
  1: required string name,
  2: optional string token,
}

struct ResolveRequest {
  1: required i64 deadlineMs,
  2: required TxId txId,
  /** true = force commit, false = force abort. */
  3: required bool commit,
  /** Must be true: the operator acknowledges this is a heuristic decision. */
  4: required bool heuristic,
  /** Who asks. Required by a node that checks operator tokens (without it: NotAllowed); unset from
   *  older clients. */
  5: optional OperatorCredential operator,
}

struct ResolveResponse {
  /** The branch's state afterwards. If the coordinator or a peer knew the real outcome, that
   *  was applied instead and `forced` is false. */
  1: required BranchState state,
  2: required bool forced,
  3: optional string message,
}

struct StatsResponse {
  1: required string nodeId,
  2: required map<string, i64> counters,
}

service Admin {
  /** Prepared branches awaiting a decision on this participant. Read-only; MAY RETRY. */
  list<InDoubtBranch> listInDoubt(1: InDoubtRequest request)
      throws (1: Unavailable unavailable, 2: InvalidArgument invalid, 3: DeadlineExceeded deadlineExceeded),

  /** Forces an in-doubt branch, recorded as HEURISTIC. NOT idempotent if the outcome changes
   *  in between; do not retry blindly (list again first). Needs an operator identity: NotAllowed
   *  without one, with a wrong token, or on a node with no operator token configured. */
  ResolveResponse resolve(1: ResolveRequest request)
      throws (1: UnknownTransaction unknown, 2: InvalidArgument invalid, 3: NotAllowed notAllowed,
              4: Unavailable unavailable, 5: DeadlineExceeded deadlineExceeded),

  /** Counters of this node. Read-only; MAY RETRY. */
  StatsResponse stats() throws (1: Unavailable unavailable),
}
