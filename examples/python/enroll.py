#!/usr/bin/env python3
"""Enrolls and drops students in the Pledge demo cluster from Python, through code generated from
the IDL (run generate.sh first, then put its output on PYTHONPATH).

Every Pledge node serves Thrift on one TCP port: framed transport, strict binary protocol, services
multiplexed by name ("Coordinator" on a coordinator; "StudentService" or "CourseService" beside
"Participant" on a demo node). A participant enlists itself with the coordinator on the first call
of a transaction, so a client only does begin, its operations, then commit.

    enroll.py enroll:7:3 drop:7:3      # student 7 into course 3, then out again

Prints one line per operation; exit 0 if every operation COMMITTED or was REJECTED by a business
rule, 1 if one stayed ABORTED after its attempts, 3 if one is IN_DOUBT, 4 if a node could not be
reached outside a transaction (connecting, or begin).
"""
import argparse
import sys
import time

from thrift.protocol import TBinaryProtocol, TMultiplexedProtocol
from thrift.transport import TSocket, TTransport

from enrollment import CourseService, StudentService
from enrollment.ttypes import Rejected
from pledge import Coordinator
from pledge.ttypes import (AbortReason, AbortRequest, BeginRequest, CommitRequest, NotAllowed, StatusRequest,
                           TxContext, TxState, Unavailable, UnknownTransaction)

RPC_TIMEOUT_MS = 5_000
TX_TIMEOUT_MS = 10_000
# How long after the transaction's deadline commit keeps asking before it reports IN_DOUBT.
COMMIT_GRACE_MS = 30_000
ATTEMPTS_MAX = 5
POLL_PAUSE_MS_MAX = 1_000


def now_ms():
    return time.monotonic_ns() // 1_000_000


def request_deadline_ms(wait_ms):
    """What to put in a request when we wait wait_ms: a little less, so an answer given at the
    server's deadline (commit answering PREPARING) arrives before our socket times out. The same
    formula as dev.pledge.core.ReplyMargin."""
    return max(1, wait_ms - max(0, min(wait_ms // 10, 500)))


def tx_text(tx_id):
    return f"{tx_id.coordinatorId}.{tx_id.epoch}.{tx_id.sequence}"


class Node:
    """One connection to one node, and a client for each service multiplexed on it."""

    def __init__(self, endpoint, services):
        host, port = endpoint.rsplit(":", 1)
        self.endpoint, self.host, self.port, self.services = endpoint, host, int(port), services
        self.connect()

    def connect(self):
        sock = TSocket.TSocket(self.host, self.port)
        sock.setTimeout(RPC_TIMEOUT_MS)
        self.transport = TTransport.TFramedTransport(sock)
        protocol = TBinaryProtocol.TBinaryProtocol(self.transport, strictRead=True, strictWrite=True)
        self.clients = {name: module.Client(TMultiplexedProtocol.TMultiplexedProtocol(protocol, name))
                        for name, module in self.services.items()}
        self.transport.open()

    def reconnect(self):
        """After a transport error the stream may hold half a reply: start a fresh connection."""
        self.transport.close()
        try:
            self.connect()
        except TTransport.TTransportException:
            pass  # the next call fails again and is handled there

    def __getitem__(self, service):
        return self.clients[service]


class Cluster:
    def __init__(self, coordinator, student_shards, courses):
        self.coordinator = Node(coordinator, {"Coordinator": Coordinator})
        self.shards = [Node(e, {"StudentService": StudentService}) for e in student_shards]
        self.courses = Node(courses, {"CourseService": CourseService})

    def reconnect_participants(self):
        for node in self.shards + [self.courses]:
            node.reconnect()

    def students(self, student_id):
        """The shard of a student: id modulo the number of shards (A even, B odd)."""
        return self.shards[student_id % len(self.shards)]["StudentService"]


def enroll_steps(cluster, student, course):
    return [lambda ctx: cluster.students(student).addCourse(ctx, student, course),
            lambda ctx: cluster.courses["CourseService"].addStudent(ctx, course, student)]


def drop_steps(cluster, student, course):
    return [lambda ctx: cluster.students(student).removeCourse(ctx, student, course),
            lambda ctx: cluster.courses["CourseService"].removeStudent(ctx, course, student)]


def run(cluster, steps, pause_before_commit):
    """One operation as Pledge transactions: begin, the steps, commit; a protocol abort (lock
    conflict, deadline) is tried again, a business rule's refusal is not."""
    for attempt in range(1, ATTEMPTS_MAX + 1):
        kind, detail, tx_id = attempt_once(cluster, steps, pause_before_commit)
        if kind != "ABORTED":
            break
    return kind, detail, tx_id, attempt


def attempt_once(cluster, steps, pause_before_commit):
    coordinator = cluster.coordinator["Coordinator"]
    begun = coordinator.begin(BeginRequest(deadlineMs=request_deadline_ms(RPC_TIMEOUT_MS),
                                           txTimeoutMs=TX_TIMEOUT_MS, clientName="python-example"))
    tx_id, deadline_at_ms = begun.txId, now_ms() + begun.txTimeoutMs
    try:
        for op_seq, step in enumerate(steps, start=1):
            wait_ms = min(RPC_TIMEOUT_MS, deadline_at_ms - now_ms())
            step(TxContext(txId=tx_id, opSeq=op_seq, deadlineMs=request_deadline_ms(wait_ms)))
    except Rejected as r:
        abort(coordinator, tx_id)
        return "REJECTED", f"{r.code}: {r.message}", tx_id
    except (NotAllowed, Unavailable, TTransport.TTransportException) as e:
        # Commit was not asked, so nothing committed; the abort frees the other branch's locks now.
        if isinstance(e, TTransport.TTransportException):
            cluster.reconnect_participants()
        abort(coordinator, tx_id)
        return "ABORTED", f"{type(e).__name__}: {getattr(e, 'message', e)}", tx_id
    if pause_before_commit:
        print(f"tx {tx_text(tx_id)} ready to commit: press Enter", flush=True)
        sys.stdin.readline()
    kind, detail = commit(cluster.coordinator, tx_id, deadline_at_ms + COMMIT_GRACE_MS)
    return kind, detail, tx_id


def abort(coordinator, tx_id):
    try:
        coordinator.abort(AbortRequest(deadlineMs=request_deadline_ms(RPC_TIMEOUT_MS), txId=tx_id))
    except Exception as e:  # best effort: the coordinator aborts it at its deadline anyway
        print(f"  tx {tx_text(tx_id)} abort failed ({e}); it ends at its deadline", flush=True)


def commit(node, tx_id, give_up_at_ms):
    """Only the coordinator's answer says what happened. Commit is idempotent: send it until an
    answer comes, then poll status while the transaction is PREPARING; never guess."""
    ask_commit, pause_ms = True, 50
    while now_ms() < give_up_at_ms:
        wait_ms = min(RPC_TIMEOUT_MS, give_up_at_ms - now_ms())
        state = None
        try:
            if ask_commit:
                answer = node["Coordinator"].commit(CommitRequest(deadlineMs=request_deadline_ms(wait_ms), txId=tx_id))
            else:
                answer = node["Coordinator"].status(StatusRequest(deadlineMs=request_deadline_ms(wait_ms), txId=tx_id))
            state = answer.state
        except UnknownTransaction as e:
            return "IN_DOUBT", f"the coordinator does not know it: {e.message}"
        except (Unavailable, TTransport.TTransportException) as e:
            print(f"  tx {tx_text(tx_id)} no answer ({type(e).__name__}); asking again", flush=True)
            node.reconnect()
        if state == TxState.COMMITTED:
            return "COMMITTED", ""
        if state == TxState.ABORTED:
            return "ABORTED", f"{AbortReason._VALUES_TO_NAMES.get(answer.reason)}: {answer.message}"
        if state == TxState.FORGOTTEN:
            return "IN_DOUBT", "the coordinator has forgotten the outcome"
        if state == TxState.PREPARING:
            print(f"  tx {tx_text(tx_id)} PREPARING: polling status", flush=True)
        if state is not None:
            ask_commit = state == TxState.ACTIVE  # ACTIVE: our commit never arrived, send it again
        time.sleep(min(pause_ms, max(0, give_up_at_ms - now_ms())) / 1000)
        pause_ms = min(pause_ms * 2, POLL_PAUSE_MS_MAX)
    return "IN_DOUBT", "no decision by the transaction deadline plus the grace period"


def parse_operation(text):
    op, student, course = text.split(":")
    if op not in ("enroll", "drop"):
        raise argparse.ArgumentTypeError(f"unknown operation {op!r}: enroll or drop")
    return op, int(student), int(course)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--coordinator", default="127.0.0.1:7700")
    parser.add_argument("--student-shards", default="127.0.0.1:7701,127.0.0.1:7702",
                        help="comma-separated, shard 0 first")
    parser.add_argument("--courses", default="127.0.0.1:7703")
    parser.add_argument("--pause-before-commit", action="store_true",
                        help="wait for Enter before each commit (time to stop a node and watch PREPARING)")
    parser.add_argument("operations", nargs="+", type=parse_operation, metavar="enroll|drop:STUDENT:COURSE")
    args = parser.parse_args()

    try:
        return run_all(args)
    except (TTransport.TTransportException, Unavailable) as e:
        print(f"cannot reach the cluster: {getattr(e, 'message', e)}", file=sys.stderr)
        return 4


def run_all(args):
    cluster = Cluster(args.coordinator, args.student_shards.split(","), args.courses)
    exit_code = 0
    for op, student, course in args.operations:
        steps = enroll_steps(cluster, student, course) if op == "enroll" else drop_steps(cluster, student, course)
        kind, detail, tx_id, attempts = run(cluster, steps, args.pause_before_commit)
        where = "in" if op == "enroll" else "from"
        print(f"{op} student {student} {where} course {course}: {kind}{' ' + detail if detail else ''}"
              f" (tx {tx_text(tx_id)}, attempts {attempts})", flush=True)
        if kind == "IN_DOUBT":
            exit_code = 3
        elif kind == "ABORTED" and exit_code == 0:
            exit_code = 1
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
