package io.caracal.cli.backup;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.util.List;

/** {@code manifest.json}: what a backup holds, with each file's size and SHA-256, what was skipped and why, and the operator's label. */
@Serdeable(naming = SnakeCaseStrategy.class)
record Manifest(String id, String createdAt, String type, String tag, String schemaVersion, List<FileEntry> files, List<Skipped> skipped) {
    static final String FILE = "manifest.json";
    static final String DUMP = "database.dump";
    static final String BUNDLE = "ledger-bundle.json";
    static final String KAFKA_RECORDS = "kafka-records.jsonl";
    static final String KAFKA_OFFSETS = "kafka-offsets.json";
    /** Every file a backup may hold, in the order the manifest lists them. */
    static final List<String> FILES = List.of(DUMP, BUNDLE, KAFKA_RECORDS, KAFKA_OFFSETS);

    @Serdeable(naming = SnakeCaseStrategy.class)
    record FileEntry(String name, long size, String sha256) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record Skipped(String name, String reason) {
    }

    long size() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }

    /** "yes", "skipped", or "-" when the type has no dump. */
    String dump() {
        if (files.stream().anyMatch(f -> f.name().equals(DUMP))) {
            return "yes";
        }
        return skipped.stream().anyMatch(s -> s.name().equals(DUMP)) ? "skipped" : "-";
    }
}
