package io.caracal.cli.snapshot;

import picocli.CommandLine.Command;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Ledger snapshots: a signed checkpoint with the per-agent totals of the events it covers and the consumer groups'"
                + " offsets. Restore checks the ledger against one and rebuilds Redis from the ledger; `replay start --from-snapshot`"
                + " continues from it.",
        subcommands = {SnapshotCreateCommand.class, SnapshotListCommand.class, SnapshotRestoreCommand.class})
public final class SnapshotCommand {
}
