package io.caracal.cli.snapshot;

import io.caracal.core.ledger.LedgerSnapshot;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.util.HexFormat;

/** A snapshot as `list` and `create` print it. */
@Serdeable(naming = SnakeCaseStrategy.class)
record SnapshotView(String snapshotId, String timestamp, long totalEvents, String merkleRoot, String batchId, long treeSize, long sizeBytes) {
    static SnapshotView of(LedgerSnapshot s) {
        return new SnapshotView(s.id().toString(), s.createdAt().toString(), s.totalEvents(), HexFormat.of().formatHex(s.root()),
                s.batchId().toString(), s.treeSize(), s.sizeBytes());
    }

    /** Bytes in decimal units, as the runbook prints them ("45.6 MB"). */
    String size() {
        if (sizeBytes < 1000) {
            return sizeBytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = sizeBytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
