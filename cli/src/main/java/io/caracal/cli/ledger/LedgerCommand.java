package io.caracal.cli.ledger;

import picocli.CommandLine.Command;

@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "Report on the ledger of charges, export the signed ledger as a bundle an auditor verifies offline, and verify such a bundle.",
        subcommands = {LedgerQueryCommand.class, ExportCommand.class, VerifyCommand.class})
public final class LedgerCommand {
}
