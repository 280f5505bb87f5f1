package io.caracal.cli.audit;

import picocli.CommandLine.Command;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Read the append-only, hash-chained audit log of every event and admin change, and verify its integrity.",
        subcommands = {AuditQueryCommand.class, AuditVerifyCommand.class})
public final class AuditCommand {
}
