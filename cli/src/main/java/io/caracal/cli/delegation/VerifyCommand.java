package io.caracal.cli.delegation;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a delegation token as the gateway would: signature by a registered key of its issuer, not expired or revoked,"
                + " the child still an active child of its active parent, within its maximum depth. Prints the claims; a token that"
                + " would be refused is one line on stderr and exit 1.")
final class VerifyCommand extends SessionCommand {
    @Option(names = "--token", required = true, description = "The token.")
    String token;

    VerifyCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        ClaimsView view = ClaimsView.of(null, DelegationCommand.service(session).validate(token));
        print(view, () -> {
            out().println("Delegation token is valid:");
            view.print(out());
        });
    }
}
