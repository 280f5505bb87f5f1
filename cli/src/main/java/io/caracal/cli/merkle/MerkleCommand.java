package io.caracal.cli.merkle;

import picocli.CommandLine.Command;

@Command(name = "merkle", mixinStandardHelpOptions = true,
        description = "Verify the ledger against its signed Merkle checkpoints, prove an event or a checkpoint's history to a third party, append events written before the log existed, and rotate"
                + " the signing key (old public keys are kept, so old checkpoints stay verifiable).",
        subcommands = {VerifyBatchCommand.class, VerifyRangeCommand.class, VerifyEventCommand.class, BackfillCommand.class,
                RotateKeysCommand.class, ProveInclusionCommand.class, ProveConsistencyCommand.class})
public final class MerkleCommand {
}
