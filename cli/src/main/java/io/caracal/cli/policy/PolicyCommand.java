package io.caracal.cli.policy;

import picocli.CommandLine.Command;

@Command(name = "policy", mixinStandardHelpOptions = true, description = "Budget policies: hard spending limits per agent and time window.",
        subcommands = {PolicyCreateCommand.class, PolicyListCommand.class, PolicyGetCommand.class, PolicyUpdateCommand.class,
                PolicyDeactivateCommand.class, PolicyHistoryCommand.class})
public final class PolicyCommand {
}
