package io.caracal.cli.delegation;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.error.Ids;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.UUID;

@Command(name = "revoke-token", mixinStandardHelpOptions = true,
        description = "Revoke a delegation token by its jti: every gateway replica refuses it within a second. Revoking again keeps the"
                + " first revocation.")
final class RevokeTokenCommand extends SessionCommand {
    @Option(names = "--jti", required = true, description = "The token's jti (printed by 'issue' and 'verify').")
    String jti;

    @Option(names = "--reason", description = "Why, kept with the revocation.")
    String reason;

    RevokeTokenCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record RevokedView(String jti, String status) {
    }

    @Override
    protected void run() {
        UUID id = Ids.parse("jti", jti);
        DelegationCommand.service(session).revoke(id, reason);
        print(new RevokedView(id.toString(), "revoked"), () -> out().println("Delegation token " + id + " revoked."));
    }
}
