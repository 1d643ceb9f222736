package dev.pledge.demo.client;

import dev.pledge.rpc.Endpoint;

import java.util.List;

/**
 * Where the demo's data lives: student shards (by id modulo their count) and the course node; and
 * the coordinators (one, or several running at once), the first first.
 */
public record Topology(List<Endpoint> coordinators, List<Endpoint> studentShards, Endpoint courses) {
    public static final String STUDENT_SERVICE = "StudentService";
    public static final String COURSE_SERVICE = "CourseService";

    public Topology(Endpoint coordinator, List<Endpoint> studentShards, Endpoint courses) {
        this(List.of(coordinator), studentShards, courses);
    }

    public Topology {
        coordinators = List.copyOf(coordinators);
        if (coordinators.isEmpty()) throw new IllegalArgumentException("at least one coordinator is needed");
        studentShards = List.copyOf(studentShards);
        if (studentShards.isEmpty()) throw new IllegalArgumentException("at least one student shard is needed");
    }

    /** The first coordinator. */
    public Endpoint coordinator() {
        return coordinators.get(0);
    }

    public Endpoint shardOf(int studentId) {
        return studentShards.get(Math.floorMod(studentId, studentShards.size()));
    }
}
