package dev.pledge.demo.client;

import dev.pledge.rpc.Endpoint;

import java.util.List;

/** Where the demo's data lives: student shards (by id modulo their count) and the course node. */
public record Topology(Endpoint coordinator, List<Endpoint> studentShards, Endpoint courses) {
    public static final String STUDENT_SERVICE = "StudentService";
    public static final String COURSE_SERVICE = "CourseService";

    public Topology {
        studentShards = List.copyOf(studentShards);
        if (studentShards.isEmpty()) throw new IllegalArgumentException("at least one student shard is needed");
    }

    public Endpoint shardOf(int studentId) {
        return studentShards.get(Math.floorMod(studentId, studentShards.size()));
    }
}
