package io.caracal.cli.ledger;

import picocli.CommandLine.Command;

@Command(name = "ledger", mixinStandardHelpOptions = true, description = "Report on the ledger of charges.",
        subcommands = {LedgerQueryCommand.class})
public final class LedgerCommand {
}
