package io.caracal.core.store;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Clock;

/** Wires the stores onto the Micronaut-managed data source; the stores themselves know no framework. */
@Factory
public class StoreFactory {

    @Singleton
    Database database(DataSource dataSource) {
        return new Database(dataSource);
    }

    @Singleton
    AgentStore agentStore(Database db, Clock clock) {
        return new AgentStore(db, clock);
    }

    @Singleton
    ApiKeyStore apiKeyStore(Database db, Clock clock) {
        return new ApiKeyStore(db, clock);
    }

    @Singleton
    PolicyStore policyStore(Database db, Clock clock) {
        return new PolicyStore(db, clock);
    }

    @Singleton
    AllowlistStore allowlistStore(Database db, Clock clock) {
        return new AllowlistStore(db, clock);
    }

    @Singleton
    PricebookStore pricebookStore(Database db, Clock clock) {
        return new PricebookStore(db, clock);
    }

    @Singleton
    HoldStore holdStore(Database db) {
        return new HoldStore(db);
    }

    @Singleton
    RevocationStore revocationStore(Database db, Clock clock) {
        return new RevocationStore(db, clock);
    }

    @Singleton
    LedgerStore ledgerStore(Database db, Clock clock) {
        return new LedgerStore(db, clock);
    }

    @Singleton
    AuditStore auditStore(Database db, Clock clock) {
        return new AuditStore(db, clock);
    }

    @Singleton
    MerkleLogStore merkleLogStore(Database db, Clock clock) {
        return new MerkleLogStore(db, clock);
    }

    @Singleton
    OutboxStore outboxStore(Database db, Clock clock) {
        return new OutboxStore(db, clock);
    }

    @Singleton
    DlqRetryStore dlqRetryStore(Database db, Clock clock) {
        return new DlqRetryStore(db, clock);
    }

    @Singleton
    ReplayStore replayStore(Database db, Clock clock) {
        return new ReplayStore(db, clock);
    }

    @Singleton
    SnapshotStore snapshotStore(Database db, Clock clock) {
        return new SnapshotStore(db, clock);
    }

    @Singleton
    SchemaMigrator schemaMigrator(DataSource dataSource) {
        return new SchemaMigrator(dataSource);
    }
}
