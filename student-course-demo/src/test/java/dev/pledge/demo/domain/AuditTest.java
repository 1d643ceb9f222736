package dev.pledge.demo.domain;

import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.Student;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuditTest {
    private static Student student(int id, Integer... courses) {
        return new Student(id, "s" + id, new ArrayList<>(List.of(courses)));
    }

    private static Course course(int id, int capacity, Integer... roster) {
        return new Course(id, "c" + id, capacity, new ArrayList<>(List.of(roster)));
    }

    @Test
    void matchingSidesAreClean() {
        Audit.Result r = Audit.check(List.of(student(1, 10), student(2, 10, 11)), List.of(course(10, 2, 1, 2), course(11, 1, 2)));
        assertThat(r.clean()).as(r.toString()).isTrue();
        assertThat(r.enrollments()).isEqualTo(3);
    }

    @Test
    void halfAppliedEnrollmentIsReportedWithBothIds() {
        Audit.Result r = Audit.check(List.of(student(1, 10)), List.of(course(10, 5)));
        assertThat(r.violations()).anySatisfy(v -> assertThat(v).contains("student 1").contains("course 10"));
        assertThat(r.violations()).anySatisfy(v -> assertThat(v).contains("totals differ"));
    }

    @Test
    void rosterOnlyEnrollmentIsReported() {
        Audit.Result r = Audit.check(List.of(student(1)), List.of(course(10, 5, 1)));
        assertThat(r.violations()).anySatisfy(v -> assertThat(v).contains("course 10 lists student 1 who lacks it"));
    }

    @Test
    void overCapacityRosterIsReported() {
        Audit.Result r = Audit.check(List.of(student(1, 10), student(2, 10)), List.of(course(10, 1, 1, 2)));
        assertThat(r.violations()).anySatisfy(v -> assertThat(v).contains("capacity"));
    }

    @Test
    void unknownIdsOnEitherSideAreReported() {
        Audit.Result r = Audit.check(List.of(student(1, 99)), List.of(course(10, 5, 42)));
        assertThat(r.violations()).anySatisfy(v -> assertThat(v).contains("unknown course 99"));
        assertThat(r.violations()).anySatisfy(v -> assertThat(v).contains("unknown student 42"));
    }
}
