package dev.pledge.chaos.cluster;

import dev.pledge.demo.client.OpResult;
import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.Student;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EnrollmentLedgerTest {
    private static final OpResult OK = new OpResult(OpResult.Kind.COMMITTED, "", null, 0, 1);

    private static OpRecord op(String kind, List<Integer> students, int added, int removed) {
        return new OpRecord(kind, students, added, removed, Set.of("student-a", "course-c"), OK, 0);
    }

    private static Snapshot data(int[][] enrollments) {
        List<Student> students = new ArrayList<>();
        List<Course> courses = new ArrayList<>();
        for (int s = 0; s < 4; s++) students.add(new Student(s, "s" + s, new ArrayList<>()));
        for (int c = 0; c < 3; c++) courses.add(new Course(c, "c" + c, 10, new ArrayList<>()));
        for (int[] e : enrollments) {
            students.get(e[0]).getCourses().add(e[1]);
            courses.get(e[1]).getRoster().add(e[0]);
        }
        return new Snapshot(students, courses);
    }

    @Test
    void enrollDropEnrollLeavesTheStudentEnrolledOnBothSides() {
        EnrollmentLedger ledger = new EnrollmentLedger();
        ledger.committed(op("enroll", List.of(1), 2, -1));
        ledger.committed(op("drop", List.of(1), -1, 2));
        ledger.committed(op("enroll", List.of(1), 2, -1));
        assertThat(ledger.check(data(new int[][] {{1, 2}}))).isEmpty();
        assertThat(ledger.check(data(new int[][] {}))).isNotEmpty();
    }

    @Test
    void anEnrollmentNoCommittedOperationMadeIsReported() {
        EnrollmentLedger ledger = new EnrollmentLedger();
        assertThat(ledger.check(data(new int[][] {{0, 1}})))
                .singleElement().asString().contains("no committed operation enrolled them");
    }

    @Test
    void twoCommittedEnrollmentsOfOnePairCannotBothHaveHappened() {
        EnrollmentLedger ledger = new EnrollmentLedger();
        ledger.committed(op("enroll", List.of(3), 0, -1));
        ledger.committed(op("group", List.of(3, 0, 1), 0, -1));
        assertThat(ledger.check(data(new int[][] {{3, 0}, {0, 0}, {1, 0}}))).anyMatch(v -> v.contains("adds minus removes is 2"));
    }

    @Test
    void aSwapMovesTheEnrollmentAndASwapToTheSameCourseChangesNothing() {
        EnrollmentLedger ledger = new EnrollmentLedger();
        ledger.committed(op("enroll", List.of(2), 0, -1));
        ledger.committed(op("swap", List.of(2), 1, 0));
        ledger.committed(op("swap", List.of(2), 1, 1));
        assertThat(ledger.check(data(new int[][] {{2, 1}}))).isEmpty();
    }
}
