package dev.pledge.demo.node;

import dev.pledge.demo.domain.Records;
import dev.pledge.demo.domain.Rules;
import dev.pledge.demo.wire.Rejected;
import dev.pledge.demo.wire.Student;
import dev.pledge.demo.wire.StudentService;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.TxContext;
import org.apache.thrift.TException;

import java.util.ArrayList;
import java.util.List;

/**
 * The student shard's service. Students are partitioned by id: shard i of n holds the ids with
 * {@code id % n == i}. Every method is one operation of the caller's transaction.
 */
public final class StudentHandler implements StudentService.Iface {
    private final BranchRunner runner;
    private final int shard;
    private final int shards;

    public StudentHandler(BranchRunner runner, int shard, int shards) {
        this.runner = runner;
        this.shard = shard;
        this.shards = shards;
    }

    @Override
    public Student getStudent(TxContext ctx, int studentId) throws TException {
        Arguments.id("studentId", studentId);
        return runner.execute(ctx, store -> load(store.get(Records.studentKey(checkMine(studentId))), studentId));
    }

    @Override
    public List<Student> scanStudents(TxContext ctx) throws TException {
        return runner.execute(ctx, store -> {
            int total = Records.decodeInt(store.get(Records.countKey()));
            List<Student> students = new ArrayList<>();
            for (int id = shard; id < total; id += shards) {
                byte[] bytes = store.get(Records.studentKey(id));
                if (bytes != null) students.add(Records.decodeStudent(bytes));
            }
            return students;
        });
    }

    @Override
    public void putStudent(TxContext ctx, Student student) throws TException {
        if (Arguments.student(student).getId() % shards != shard) {
            throw new InvalidArgument("student.id " + student.getId() + " does not live on shard " + shard + " of " + shards);
        }
        runner.execute(ctx, store -> {
            store.put(Records.studentKey(student.getId()), Records.encode(student));
            int total = Records.decodeInt(store.getForUpdate(Records.countKey()));
            if (student.getId() >= total) store.put(Records.countKey(), Records.encodeInt(student.getId() + 1));
            return null;
        });
    }

    @Override
    public void addCourse(TxContext ctx, int studentId, int courseId) throws TException {
        Arguments.id("studentId", studentId);
        Arguments.id("courseId", courseId);
        runner.execute(ctx, store -> {
            byte[] key = Records.studentKey(checkMine(studentId));
            store.put(key, Records.encode(Rules.addCourse(load(store.getForUpdate(key), studentId), courseId)));
            return null;
        });
    }

    @Override
    public void removeCourse(TxContext ctx, int studentId, int courseId) throws TException {
        Arguments.id("studentId", studentId);
        Arguments.id("courseId", courseId);
        runner.execute(ctx, store -> {
            byte[] key = Records.studentKey(checkMine(studentId));
            store.put(key, Records.encode(Rules.removeCourse(load(store.getForUpdate(key), studentId), courseId)));
            return null;
        });
    }

    private int checkMine(int studentId) throws Rejected {
        if (studentId % shards != shard) {
            throw new Rejected("UNKNOWN_STUDENT", "student " + studentId + " does not live on shard " + shard + " of " + shards);
        }
        return studentId;
    }

    private static Student load(byte[] bytes, int studentId) throws Rejected {
        if (bytes == null) throw new Rejected("UNKNOWN_STUDENT", "no student " + studentId);
        return Records.decodeStudent(bytes);
    }
}
