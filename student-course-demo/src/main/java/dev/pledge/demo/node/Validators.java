package dev.pledge.demo.node;

import dev.pledge.demo.domain.Records;
import dev.pledge.demo.domain.Rules;
import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.Student;
import dev.pledge.participant.app.PrepareValidator;
import dev.pledge.participant.protocol.Write;

/**
 * The last check before a demo node votes: whatever the handlers allowed, a branch that would
 * leave a roster over capacity or a student over the course limit votes NO with the reason.
 */
final class Validators {
    private Validators() {}

    static PrepareValidator courses() {
        return (txId, writes, committed) -> {
            for (Write w : writes) {
                if (w.isDelete() || !Records.isCourseKey(w.key().bytes())) continue;
                Course c = Records.decodeCourse(w.value());
                if (c.getRoster().size() > c.getCapacity()) {
                    return PrepareValidator.Result.no("COURSE_FULL: course " + c.getId() + " would have "
                            + c.getRoster().size() + " of " + c.getCapacity() + " seats");
                }
            }
            return PrepareValidator.Result.OK;
        };
    }

    static PrepareValidator students() {
        return (txId, writes, committed) -> {
            for (Write w : writes) {
                if (w.isDelete() || !Records.isStudentKey(w.key().bytes())) continue;
                Student s = Records.decodeStudent(w.value());
                if (s.getCourses().size() > Rules.COURSES_PER_STUDENT_MAX) {
                    return PrepareValidator.Result.no("TOO_MANY_COURSES: student " + s.getId() + " would have "
                            + s.getCourses().size() + " courses");
                }
            }
            return PrepareValidator.Result.OK;
        };
    }
}
