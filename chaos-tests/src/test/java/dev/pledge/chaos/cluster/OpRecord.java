package dev.pledge.chaos.cluster;

import dev.pledge.demo.client.OpResult;

import java.util.List;
import java.util.Set;

/**
 * One client operation (one transaction) and what the client saw of it.
 *
 * @param op           enroll, drop, swap or group
 * @param students     the students it touched
 * @param addedCourse  the course it adds each student to, or -1
 * @param removedCourse the course it removes the student from, or -1
 * @param participants the participant ids it calls (or would have called)
 * @param result       the client-visible outcome, with the TxId (null if begin itself failed)
 * @param endMs        wall-clock time the client got its answer
 */
record OpRecord(String op, List<Integer> students, int addedCourse, int removedCourse, Set<String> participants,
                OpResult result, long endMs) {
    OpRecord {
        students = List.copyOf(students);
        participants = Set.copyOf(participants);
    }

    /** A swap to the course it came from removes and re-adds one enrollment: no net change to check. */
    boolean changesEnrollments() {
        return addedCourse != removedCourse;
    }
}
