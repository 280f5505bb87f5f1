package io.caracal.cli;

import io.caracal.cli.agent.AgentCommand;
import io.caracal.cli.allowlist.AllowlistCommand;
import io.caracal.cli.audit.AuditCommand;
import io.caracal.cli.backup.BackupCommand;
import io.caracal.cli.budget.BudgetCommand;
import io.caracal.cli.db.DbCommand;
import io.caracal.cli.delegation.DelegationCommand;
import io.caracal.cli.dlq.DlqCommand;
import io.caracal.cli.kafka.KafkaCommand;
import io.caracal.cli.ledger.LedgerCommand;
import io.caracal.cli.merkle.MerkleCommand;
import io.caracal.cli.receipt.ReceiptCommand;
import io.caracal.cli.replay.ReplayCommand;
import io.caracal.cli.snapshot.SnapshotCommand;
import io.caracal.cli.policy.PolicyCommand;
import io.caracal.cli.pricebook.PricebookCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

@Command(name = "caracal", mixinStandardHelpOptions = true, version = "caracal 0.1.0",
        description = "Economic firewall for AI agents: manage agents, budgets, allowlists and prices.%n"
                + "Database: DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD, or the 'database:' section of the config file;"
                + " with neither, the stack of a running 'caracal dev' ($CARACAL_HOME/dev.env, default ~/.caracal),"
                + " or, in the dev-stack build only, a local embedded PostgreSQL under $CARACAL_HOME.")
public final class CaracalCommand {
    /** The command groups, in the order --help lists them; {@link Caracal#commandLine} adds them. */
    static final List<Class<?>> GROUPS = List.of(AgentCommand.class, PolicyCommand.class, BudgetCommand.class, DelegationCommand.class,
            AllowlistCommand.class, PricebookCommand.class, AuditCommand.class, DbCommand.class, KafkaCommand.class, DlqCommand.class,
            ReplayCommand.class, MerkleCommand.class, LedgerCommand.class, ReceiptCommand.class, SnapshotCommand.class, BackupCommand.class);

    private final CliSession session;

    CaracalCommand(CliSession session) {
        this.session = session;
    }

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (YAML) with a 'database:' section (default: $CARACAL_HOME/config.yaml if it exists).")
    void configFile(Path file) {
        session.useConfigFile(file);
    }
}
