package io.caracal.core.config;

import io.caracal.core.agent.AgentStore;
import io.caracal.core.agent.ApiKeyStore;
import io.caracal.core.allowlist.AllowlistStore;
import io.caracal.core.audit.AuditStore;
import io.caracal.core.budget.HoldStore;
import io.caracal.core.delegation.DelegationKeyStore;
import io.caracal.core.delegation.RevocationStore;
import io.caracal.core.event.OutboxStore;
import io.caracal.core.ledger.LedgerStore;
import io.caracal.core.ledger.MerkleLogStore;
import io.caracal.core.ledger.SnapshotStore;
import io.caracal.core.pipeline.DlqRetryStore;
import io.caracal.core.pipeline.OffsetReplayStore;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.core.ratelimit.RateLimitStore;
import io.caracal.core.receipt.ReceiptKeyStore;
import io.caracal.core.store.Database;
import io.caracal.core.pipeline.OffsetReplayStore;
import io.caracal.core.store.SchemaMigrator;
import io.caracal.core.store.ConnectionPoolGauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.Optional;

/** Wires the stores onto the Micronaut-managed data source; the stores themselves know no framework. */
@Factory
public class StoreFactory {

    /** Measured where the process has a meter registry (the functions); the CLI has none. */
    @Singleton
    Database database(DataSource dataSource, Optional<MeterRegistry> registry) {
        registry.ifPresent(r -> ConnectionPoolGauge.register(dataSource, r));
        return registry.map(r -> new Database(dataSource, r)).orElseGet(() -> new Database(dataSource));
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
    RateLimitStore rateLimitStore(Database db, Clock clock) {
        return new RateLimitStore(db, clock);
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
    DelegationKeyStore delegationKeyStore(Database db, Clock clock) {
        return new DelegationKeyStore(db, clock);
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
    ReceiptKeyStore receiptKeyStore(Database db, Clock clock) {
        return new ReceiptKeyStore(db, clock);
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
    OffsetReplayStore replayStore(Database db, Clock clock) {
        return new OffsetReplayStore(db, clock);
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
