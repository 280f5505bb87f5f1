package io.caracal.cli.snapshot;

import io.caracal.core.error.Ids;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.ledger.LedgerSnapshot;
import io.caracal.core.ledger.SnapshotStore;

import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** The snapshot an option names: its id, or {@code snapshot-latest} (or {@code latest}) for the newest, as the production guide writes it. */
public final class Snapshots {
    /** How the options' help describes a snapshot. */
    public static final String FORMS = "a snapshot id (`caracal snapshot list`) or snapshot-latest for the newest";

    private static final Set<String> LATEST = Set.of("snapshot-latest", "latest");

    private Snapshots() {
    }

    public static LedgerSnapshot find(SnapshotStore snapshots, String text) {
        if (LATEST.contains(text.trim().toLowerCase(Locale.ROOT))) {
            return snapshots.list(1).stream().findFirst()
                    .orElseThrow(() -> new NotFoundException("snapshot", text.trim() + " (none taken yet: run `caracal snapshot create`)"));
        }
        UUID id = Ids.parse("snapshot id", text);
        return snapshots.find(id).orElseThrow(() -> new NotFoundException("snapshot", id));
    }
}
