package dev.pledge.demo.domain;

import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.Rejected;
import dev.pledge.demo.wire.Student;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RulesTest {
    @Test
    void fullCourseRejectsWithCourseFull() {
        Course full = new Course(7, "Logic", 1, new ArrayList<>(List.of(3)));
        assertThatThrownBy(() -> Rules.addStudent(full, 4))
                .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.getCode()).isEqualTo("COURSE_FULL"));
    }

    @Test
    void sixthCourseIsRejected() {
        Student busy = new Student(1, "Ada", new ArrayList<>(List.of(1, 2, 3, 4, 5)));
        assertThatThrownBy(() -> Rules.addCourse(busy, 6))
                .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.getCode()).isEqualTo("TOO_MANY_COURSES"));
    }

    @Test
    void addThenRemoveRestoresAndNeverMutatesTheInput() throws Rejected {
        Student ada = new Student(1, "Ada", new ArrayList<>(List.of(2)));
        Student enrolled = Rules.addCourse(ada, 9);
        assertThat(ada.getCourses()).containsExactly(2);
        assertThat(enrolled.getCourses()).containsExactly(2, 9);
        assertThat(Rules.removeCourse(enrolled, 9).getCourses()).containsExactly(2);
        assertThatThrownBy(() -> Rules.removeCourse(ada, 9)).isInstanceOf(Rejected.class);
    }

    @Test
    void recordsRoundTripThroughTheStoreEncoding() {
        Course c = new Course(7, "Logic", 10, new ArrayList<>(List.of(3, 4)));
        assertThat(Records.decodeCourse(Records.encode(c))).isEqualTo(c);
    }
}
