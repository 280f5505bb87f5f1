package io.caracal.cli.ledger;

import picocli.CommandLine.Command;

@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "Export the signed ledger as a bundle an auditor verifies offline, and verify such a bundle.",
        subcommands = {ExportCommand.class, VerifyCommand.class})
public final class LedgerCommand {
}
