package dev.pledge.demo.node;

import dev.pledge.demo.domain.Records;
import dev.pledge.demo.domain.Rules;
import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.Student;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.InvalidArgument;

/** The demo services' arguments as they arrive, checked before any work: InvalidArgument naming the field. */
final class Arguments {
    /** Characters of a student's name or a course's title. */
    static final int NAME_CHARS_MAX = 200;

    private Arguments() {}

    /** {@code id}, if it is a record id (0 to {@link Records#ID_MAX}). */
    static int id(String field, int id) throws InvalidArgument {
        if (id < 0 || id > Records.ID_MAX) {
            throw new InvalidArgument(field + " must be in [0, " + Records.ID_MAX + "], was " + id);
        }
        return id;
    }

    static Student student(Student s) throws InvalidArgument {
        Wire.required("student", s);
        id("student.id", s.getId());
        name("student.name", s.getName());
        Wire.required("student.courses", s.getCourses());
        if (s.getCoursesSize() > Rules.COURSES_PER_STUDENT_MAX) {
            throw new InvalidArgument("student.courses has " + s.getCoursesSize() + " courses, max "
                    + Rules.COURSES_PER_STUDENT_MAX);
        }
        for (int courseId : s.getCourses()) id("student.courses[]", courseId);
        return s;
    }

    static Course course(Course c) throws InvalidArgument {
        Wire.required("course", c);
        id("course.id", c.getId());
        name("course.title", c.getTitle());
        Wire.atLeast("course.capacity", c.getCapacity(), 0);
        Wire.required("course.roster", c.getRoster());
        if (c.getRosterSize() > c.getCapacity()) {
            throw new InvalidArgument("course.roster has " + c.getRosterSize() + " students, capacity " + c.getCapacity());
        }
        for (int studentId : c.getRoster()) id("course.roster[]", studentId);
        return c;
    }

    private static void name(String field, String name) throws InvalidArgument {
        Wire.required(field, name);
        if (name.length() > NAME_CHARS_MAX) {
            throw new InvalidArgument(field + " has " + name.length() + " characters, max " + NAME_CHARS_MAX);
        }
    }
}
