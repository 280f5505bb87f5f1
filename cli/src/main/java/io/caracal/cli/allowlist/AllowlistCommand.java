package io.caracal.cli.allowlist;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.core.allowlist.AllowlistDecision;
import io.caracal.core.allowlist.AllowlistEntry;
import io.caracal.core.allowlist.PatternType;
import io.caracal.core.error.Ids;
import io.caracal.core.allowlist.AllowlistStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Objects;

@Command(name = "allowlist", mixinStandardHelpOptions = true,
        description = "Resource allowlists: which URLs an agent may reach. An agent with no entries may reach none (default deny).",
        subcommands = {AllowlistCommand.Create.class, AllowlistCommand.ListEntries.class, AllowlistCommand.Delete.class, AllowlistCommand.Test.class})
public final class AllowlistCommand {

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record EntryView(String allowlistId, String agentId, String pattern, String patternType, String status,
                            String createdAt, String deletedAt) {
        static EntryView of(AllowlistEntry e) {
            return new EntryView(e.id().toString(), e.agentId().toString(), e.pattern(), e.patternType().label(),
                    e.active() ? "active" : "deleted", e.createdAt().toString(), Objects.toString(e.deletedAt(), null));
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record DecisionView(String agentId, String resource, boolean allowed, String reason, EntryView matched, int patternsChecked) {
    }

    /** Create and delete both answer with the entry. */
    abstract static class EntryCommand extends SessionCommand {
        EntryCommand(CliSession session) {
            super(session);
        }

        void printEntry(String heading, AllowlistEntry entry) {
            print(EntryView.of(entry), () -> {
                out().println(heading);
                field("Allowlist ID", entry.id());
                field("Agent ID", entry.agentId());
                field("Pattern", entry.pattern());
                field("Pattern Type", entry.patternType().label());
                field("Status", entry.active() ? "active" : "deleted");
            });
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Allow an agent a pattern of resources. Patterns match the whole resource; in a glob * also matches '/'.")
    static final class Create extends EntryCommand {
        @Option(names = "--agent-id", required = true, description = "The agent.")
        String agentId;

        @Option(names = "--pattern", required = true, description = "A regex or glob matched against the whole resource URL.")
        String pattern;

        @Option(names = "--pattern-type", defaultValue = "regex", description = "regex or glob (default: ${DEFAULT-VALUE}).")
        String patternType;

        Create(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            printEntry("Allowlist created successfully:", session.bean(AllowlistStore.class)
                    .create(Ids.parse("agent id", agentId), PatternType.parse(patternType), pattern));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an agent's allowlist entries.")
    static final class ListEntries extends SessionCommand {
        @Option(names = "--agent-id", required = true, description = "The agent.")
        String agentId;

        @Option(names = "--include-deleted", description = "Also list deleted entries.")
        boolean includeDeleted;

        ListEntries(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            List<AllowlistEntry> entries = session.bean(AllowlistStore.class).list(Ids.parse("agent id", agentId), includeDeleted);
            print(entries.stream().map(EntryView::of).toList(), () -> {
                Table table = new Table("ALLOWLIST ID", "TYPE", "STATUS", "CREATED", "PATTERN");
                entries.forEach(e -> table.row(e.id(), e.patternType().label(), e.active() ? "active" : "deleted", time(e.createdAt()), e.pattern()));
                table.print(out());
                out().println("Total: " + entries.size() + " entr" + (entries.size() == 1 ? "y" : "ies"));
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an allowlist entry (it is kept, inactive, for the record).")
    static final class Delete extends EntryCommand {
        @Option(names = "--allowlist-id", required = true, description = "The entry (see 'caracal allowlist list').")
        String allowlistId;

        Delete(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            printEntry("Allowlist entry deleted:", session.bean(AllowlistStore.class).delete(Ids.parse("allowlist id", allowlistId)));
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true, description = "Check whether an agent's allowlist allows a resource.")
    static final class Test extends SessionCommand {
        @Option(names = "--agent-id", required = true, description = "The agent.")
        String agentId;

        @Option(names = "--resource", required = true, description = "The resource URL to check.")
        String resource;

        Test(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            var id = Ids.parse("agent id", agentId);
            AllowlistDecision decision = session.bean(AllowlistStore.class).allowlistOf(id).check(resource);
            AllowlistEntry matched = decision.matchedEntry();
            print(new DecisionView(id.toString(), resource, decision.allowed(), decision.reason(),
                    matched == null ? null : EntryView.of(matched), decision.patternsChecked()), () -> {
                out().println((decision.allowed() ? "ALLOWED: " : "DENIED: ") + resource);
                field("Reason", decision.reason());
                if (matched != null) {
                    field("Matched Pattern", matched.pattern() + " (" + matched.patternType().label() + ")");
                    field("Allowlist ID", matched.id());
                }
            });
        }
    }
}
