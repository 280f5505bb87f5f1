package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.core.agent.ApiKey;
import io.caracal.core.error.Ids;
import io.caracal.core.agent.ApiKeyStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Objects;

@Command(name = "key", mixinStandardHelpOptions = true, description = "Issue, list and revoke an agent's API keys.",
        subcommands = {AgentKeyCommand.Create.class, AgentKeyCommand.ListKeys.class, AgentKeyCommand.Revoke.class})
public final class AgentKeyCommand {

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record KeyView(String keyId, String agentId, String prefix, String name, String status, String createdAt,
                          String revokedAt, String apiKey) {
        static KeyView of(ApiKey k, String plaintext) {
            return new KeyView(k.id().toString(), k.agentId().toString(), k.prefix(), k.name(), k.revoked() ? "revoked" : "active",
                    k.createdAt().toString(), Objects.toString(k.revokedAt(), null), plaintext);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Issue an API key. The key is shown once and only its hash is stored.")
    static final class Create extends SessionCommand {
        @Option(names = "--agent-id", required = true, description = "The agent.")
        String agentId;

        @Option(names = "--name", description = "A label for the key, e.g. where it is used.")
        String name;

        Create(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            ApiKeyStore.Created created = session.bean(ApiKeyStore.class).create(Ids.parse("agent id", agentId), name);
            print(KeyView.of(created.key(), created.plaintext()), () -> {
                out().println("API key created successfully:");
                field("Key ID", created.key().id());
                field("Agent ID", created.key().agentId());
                field("Prefix", created.key().prefix());
                field("Name", created.key().name());
                field("API Key", created.plaintext());
                out().println("Store this key now: it cannot be shown again.");
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an agent's API keys (never the keys themselves).")
    static final class ListKeys extends SessionCommand {
        @Option(names = "--agent-id", required = true, description = "The agent.")
        String agentId;

        ListKeys(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            List<ApiKey> keys = session.bean(ApiKeyStore.class).list(Ids.parse("agent id", agentId));
            print(keys.stream().map(k -> KeyView.of(k, null)).toList(), () -> {
                Table table = new Table("KEY ID", "PREFIX", "NAME", "STATUS", "CREATED", "REVOKED");
                keys.forEach(k -> table.row(k.id(), k.prefix(), k.name(), k.revoked() ? "revoked" : "active", time(k.createdAt()), time(k.revokedAt())));
                table.print(out());
                out().println("Total: " + keys.size() + " key(s)");
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an API key; the gateway refuses it from then on.")
    static final class Revoke extends SessionCommand {
        @Option(names = "--key-id", required = true, description = "The key (see 'caracal agent key list').")
        String keyId;

        Revoke(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            ApiKey key = session.bean(ApiKeyStore.class).revoke(Ids.parse("key id", keyId));
            print(KeyView.of(key, null), () -> {
                out().println("API key revoked:");
                field("Key ID", key.id());
                field("Agent ID", key.agentId());
                field("Revoked", time(key.revokedAt()));
            });
        }
    }
}
