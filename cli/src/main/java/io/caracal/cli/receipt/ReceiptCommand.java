package io.caracal.cli.receipt;

import picocli.CommandLine.Command;

@Command(name = "receipt", mixinStandardHelpOptions = true,
        description = "Verify a signed charge receipt (X-Caracal-Receipt) against its signature, the ledger and the Merkle log, and rotate"
                + " the gateway's receipt signing key (old public keys are kept, so old receipts stay verifiable).",
        subcommands = {VerifyCommand.class, RotateKeysCommand.class})
public final class ReceiptCommand {
}
