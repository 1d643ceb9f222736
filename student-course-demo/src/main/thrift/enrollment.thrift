/*
 * The enrollment demo's own services. Each runs on a participant node next to the Pledge
 * Participant service (one port, multiplexed). Every call carries a TxContext: the first call of a
 * transaction enlists the node with the coordinator, and a retried call (same opSeq) applies once.
 *
 * Every method answers a missing or malformed TxContext, and a negative or out-of-range id,
 * capacity or list, with pledge.InvalidArgument naming the field; a request whose deadline had
 * passed with pledge.DeadlineExceeded (as pledge.thrift's services do).
 */
include "pledge.thrift"

namespace java dev.pledge.demo.wire

/** A business rule refused the operation; the client aborts the transaction with this reason. */
exception Rejected {
  /** COURSE_FULL, ALREADY_ENROLLED, NOT_ENROLLED, TOO_MANY_COURSES, UNKNOWN_STUDENT, UNKNOWN_COURSE */
  1: required string code,
  2: required string message,
}

struct Student {
  1: required i32 id,
  2: required string name,
  3: required list<i32> courses,
}

struct Course {
  1: required i32 id,
  2: required string title,
  3: required i32 capacity,
  4: required list<i32> roster,
}

/** Students of one shard (A holds even ids, B odd ids). */
service StudentService {
  Student getStudent(1: pledge.TxContext ctx, 2: i32 studentId)
      throws (1: Rejected rejected, 2: pledge.NotAllowed notAllowed, 3: pledge.Unavailable unavailable,
              4: pledge.InvalidArgument invalid, 5: pledge.DeadlineExceeded deadlineExceeded),
  /** Reads every student of this shard (shared locks), for the auditor. */
  list<Student> scanStudents(1: pledge.TxContext ctx)
      throws (1: pledge.NotAllowed notAllowed, 2: pledge.Unavailable unavailable,
              3: pledge.InvalidArgument invalid, 4: pledge.DeadlineExceeded deadlineExceeded),
  void putStudent(1: pledge.TxContext ctx, 2: Student student)
      throws (1: pledge.NotAllowed notAllowed, 2: pledge.Unavailable unavailable,
              3: pledge.InvalidArgument invalid, 4: pledge.DeadlineExceeded deadlineExceeded),
  /** Adds courseId to the student's list: UNKNOWN_STUDENT, ALREADY_ENROLLED, TOO_MANY_COURSES. */
  void addCourse(1: pledge.TxContext ctx, 2: i32 studentId, 3: i32 courseId)
      throws (1: Rejected rejected, 2: pledge.NotAllowed notAllowed, 3: pledge.Unavailable unavailable,
              4: pledge.InvalidArgument invalid, 5: pledge.DeadlineExceeded deadlineExceeded),
  /** Removes courseId from the student's list: UNKNOWN_STUDENT, NOT_ENROLLED. */
  void removeCourse(1: pledge.TxContext ctx, 2: i32 studentId, 3: i32 courseId)
      throws (1: Rejected rejected, 2: pledge.NotAllowed notAllowed, 3: pledge.Unavailable unavailable,
              4: pledge.InvalidArgument invalid, 5: pledge.DeadlineExceeded deadlineExceeded),
}

service CourseService {
  Course getCourse(1: pledge.TxContext ctx, 2: i32 courseId)
      throws (1: Rejected rejected, 2: pledge.NotAllowed notAllowed, 3: pledge.Unavailable unavailable,
              4: pledge.InvalidArgument invalid, 5: pledge.DeadlineExceeded deadlineExceeded),
  list<Course> scanCourses(1: pledge.TxContext ctx)
      throws (1: pledge.NotAllowed notAllowed, 2: pledge.Unavailable unavailable,
              3: pledge.InvalidArgument invalid, 4: pledge.DeadlineExceeded deadlineExceeded),
  void putCourse(1: pledge.TxContext ctx, 2: Course course)
      throws (1: pledge.NotAllowed notAllowed, 2: pledge.Unavailable unavailable,
              3: pledge.InvalidArgument invalid, 4: pledge.DeadlineExceeded deadlineExceeded),
  /** Adds studentId to the roster: UNKNOWN_COURSE, COURSE_FULL, ALREADY_ENROLLED. */
  void addStudent(1: pledge.TxContext ctx, 2: i32 courseId, 3: i32 studentId)
      throws (1: Rejected rejected, 2: pledge.NotAllowed notAllowed, 3: pledge.Unavailable unavailable,
              4: pledge.InvalidArgument invalid, 5: pledge.DeadlineExceeded deadlineExceeded),
  /** Removes studentId from the roster: UNKNOWN_COURSE, NOT_ENROLLED. */
  void removeStudent(1: pledge.TxContext ctx, 2: i32 courseId, 3: i32 studentId)
      throws (1: Rejected rejected, 2: pledge.NotAllowed notAllowed, 3: pledge.Unavailable unavailable,
              4: pledge.InvalidArgument invalid, 5: pledge.DeadlineExceeded deadlineExceeded),
}
