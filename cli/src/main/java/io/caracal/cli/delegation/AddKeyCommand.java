package io.caracal.cli.delegation;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.delegation.DelegationKey;
import io.caracal.core.delegation.DelegationKeyStore;
import io.caracal.core.error.Ids;
import io.caracal.core.keys.PemKeys;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "add-key", mixinStandardHelpOptions = true,
        description = "Register the public half of a P-256 key an agent signs its delegation tokens with (make one with 'openssl ecparam"
                + " -name prime256v1 -genkey -noout -out parent.pem' and 'openssl ec -in parent.pem -pubout -out parent.pub.pem'). The"
                + " private key stays with the agent; a rotation adds a key, and tokens signed with an earlier one keep verifying.")
final class AddKeyCommand extends SessionCommand {
    @Option(names = "--agent-id", required = true, description = "The agent that will sign with the key.")
    String agentId;

    @Option(names = "--public-key", required = true, paramLabel = "PEMFILE", description = "The public key, PEM.")
    Path publicKey;

    AddKeyCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record KeyView(String keyId, String agentId, String createdAt) {
    }

    @Override
    protected void run() {
        DelegationKey key = session.bean(DelegationKeyStore.class).register(Ids.parse("agent id", agentId), PemKeys.readPublic(publicKey));
        print(new KeyView(key.keyId(), key.agentId().toString(), key.createdAt().toString()), () -> {
            out().println("Delegation key registered:");
            field("Key ID", key.keyId());
            field("Agent ID", key.agentId());
        });
    }
}
