package dev.pledge.participant.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** RocksDB's own info log of a store (its LOG files), for tests that check what RocksDB did. */
final class RocksLog {
    private RocksLog() {}

    static List<String> lines(Path store) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(store)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("LOG")).sorted().toList()) {
                lines.addAll(Files.readAllLines(f, StandardCharsets.ISO_8859_1));
            }
        }
        return lines;
    }
}
