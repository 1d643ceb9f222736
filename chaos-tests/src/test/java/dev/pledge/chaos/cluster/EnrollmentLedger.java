package dev.pledge.chaos.cluster;

import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.Student;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the final data must be, from the operations that committed. Adding an enrollment commits
 * only if the student is not enrolled (ALREADY_ENROLLED otherwise) and removing one only if it is
 * (NOT_ENROLLED), so the committed changes of one (student, course) pair alternate add, remove,
 * add... from empty, whatever order concurrent clients saw them finish in. So adds minus removes
 * is 0 or 1 for every pair, and it says whether the pair is present at the end, on both sides.
 * That holds only if every committed operation is known: in-doubt ones count by the coordinator's
 * final answer, and an aborted one that left a trace breaks the count.
 */
final class EnrollmentLedger {
    private final Map<Long, Integer> net = new HashMap<>();

    void committed(OpRecord op) {
        if (!op.changesEnrollments()) return;
        for (int s : op.students()) {
            if (op.addedCourse() >= 0) net.merge(ChaosWorkload.pair(s, op.addedCourse()), 1, Integer::sum);
            if (op.removedCourse() >= 0) net.merge(ChaosWorkload.pair(s, op.removedCourse()), -1, Integer::sum);
        }
    }

    int pairs() {
        return net.size();
    }

    /** Every disagreement between the committed history and {@code snapshot}, with ids. */
    List<String> check(Snapshot snapshot) {
        List<String> violations = new ArrayList<>();
        Set<Long> onStudents = new HashSet<>();
        for (Student s : snapshot.students()) {
            for (int c : s.getCourses()) onStudents.add(ChaosWorkload.pair(s.getId(), c));
        }
        Set<Long> onCourses = new HashSet<>();
        for (Course c : snapshot.courses()) {
            for (int s : c.getRoster()) onCourses.add(ChaosWorkload.pair(s, c.getId()));
        }
        net.forEach((pair, n) -> {
            String name = "student " + (pair >>> 32) + " / course " + (int) (long) pair;
            if (n != 0 && n != 1) violations.add(name + ": committed adds minus removes is " + n);
            boolean expected = n == 1;
            if (onStudents.contains(pair) != expected) violations.add(name + ": student record says " + !expected + ", history says " + expected);
            if (onCourses.contains(pair) != expected) violations.add(name + ": course roster says " + !expected + ", history says " + expected);
        });
        for (long pair : union(onStudents, onCourses)) {
            if (!net.containsKey(pair)) {
                violations.add("student " + (pair >>> 32) + " / course " + (int) pair + " is enrolled but no committed operation enrolled them");
            }
        }
        return violations;
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
        Set<Long> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
