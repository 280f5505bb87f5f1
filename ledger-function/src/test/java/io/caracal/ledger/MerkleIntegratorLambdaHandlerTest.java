package io.caracal.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.LedgerStore;
import io.caracal.core.ledger.LedgerVerifier;
import io.caracal.core.ledger.MerkleLogStore;
import io.caracal.core.ledger.NoteKey;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.EmfOutput;
import io.caracal.testing.ScheduledEvents;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduled Merkle integrator of the serverless shape, in the Lambda's own environments on real PostgreSQL (and
 * the Kafka the ledger function is configured with): ledger events written while nothing else runs are in the log,
 * under checkpoints that verify, after one scheduled invocation, whatever the schedule sends.
 */
class MerkleIntegratorLambdaHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGIN = "caracal-lambda-test";
    private static final int BATCH_SIZE_LIMIT = 500;
    private static final Instant FIRST = Instant.parse("2026-03-02T09:00:00Z");

    private ApplicationContext context;
    private MerkleIntegratorLambdaHandler handler;
    private PemKeys.SigningKey key;

    @BeforeEach
    void start(@TempDir Path dir) {
        key = PemKeys.generate(dir.resolve("merkle.pem"));
        Map<String, Object> properties = new HashMap<>(TestDatabase.contextProperties("merkle_lambda_" + Long.toHexString(System.nanoTime())));
        properties.put("caracal.kafka.bootstrap-servers", SharedServices.kafka().bootstrapServers());
        properties.put("caracal.merkle.signing-key-path", dir.resolve("merkle.pem").toString());
        properties.put("caracal.merkle.origin", ORIGIN);
        properties.put("caracal.merkle.batch-size-limit", BATCH_SIZE_LIMIT);
        context = ApplicationContext.builder().environments(MerkleIntegratorLambdaHandler.ENVIRONMENTS).properties(properties).start();
        handler = new MerkleIntegratorLambdaHandler(context);
    }

    @AfterEach
    void stop() {
        handler.close();
    }

    private void writeLedgerEvents(int count) {
        Agent agent = context.getBean(AgentStore.class).create(new AgentDraft("merkle-" + UUID.randomUUID(), "", "ops@example.com", null, Map.of()));
        List<MeteringEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new MeteringEvent(UUID.randomUUID(), agent.id(), null, new Money(new BigDecimal("0.01"), new CurrencyCode("USD")),
                    FIRST.plusMillis(i), "api.example.com", Map.of(), Map.of()));
        }
        assertEquals(count, context.getBean(LedgerStore.class).write(events).written());
    }

    private long invoke(byte[] event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        return JSON.readTree(out.toByteArray()).get("handled").asLong();
    }

    @Test
    void oneScheduledRunPutsEveryNewLedgerEventInTheLogUnderCheckpointsThatVerify() throws Exception {
        // Nothing but the invocation can sign here: in Lambda the container's every-second job and its consumer do not exist.
        assertTrue(context.findBean(MerkleIntegratorJob.class).isEmpty(), "the container's Merkle job runs in Lambda");
        assertTrue(context.findBean(LedgerListener.class).isEmpty(), "the container's Kafka consumer runs in Lambda");
        // More events than one run of the log takes (5,000), so one invocation must run it until none is left.
        int events = 5_500;
        writeLedgerEvents(events);
        MerkleLogStore log = context.getBean(MerkleLogStore.class);
        assertEquals(0, log.size());

        long[] handled = new long[1];
        EmfOutput emf = EmfOutput.of(() -> handled[0] = invoke(ScheduledEvents.scheduler()));
        assertEquals(events, handled[0]);

        assertEquals(events, log.size());
        assertEquals(events / BATCH_SIZE_LIMIT, log.checkpoints().size());
        // The invocation's metrics, as CloudWatch EMF on stdout: the checkpoints it signed, under the seeds' names.
        Map<String, String> function = Map.of("function", "merkle-integrator");
        assertEquals(events / BATCH_SIZE_LIMIT, emf.value("caracal_merkle_batches_created_total", function));
        assertEquals(events / BATCH_SIZE_LIMIT, emf.value("caracal_merkle_batch_size_count", function));
        assertEquals(events / BATCH_SIZE_LIMIT * BATCH_SIZE_LIMIT, emf.value("caracal_merkle_batch_size_sum", function));
        assertEquals(0, emf.value("caracal_merkle_verification_failures_total", function));
        LedgerVerifier.Report report = new LedgerVerifier(log, List.of(new NoteKey(ORIGIN, key.publicKey())))
                .verifyRange(FIRST, FIRST.plusSeconds(60));
        assertTrue(report.passed(), report.toString());
        assertEquals(events, report.eventsChecked());

        // Later runs with nothing new, whatever they are invoked with, change nothing.
        for (Map.Entry<String, byte[]> event : ScheduledEvents.all().entrySet()) {
            assertEquals(0, invoke(event.getValue()), event.getKey());
        }
        assertEquals(events, log.size());
        assertEquals(events / BATCH_SIZE_LIMIT, log.checkpoints().size());
    }

    @Test
    void aRunThatFailsFailsTheInvocationAndTheNextRunCatchesUp() throws Exception {
        writeLedgerEvents(BATCH_SIZE_LIMIT);
        try (Connection c = context.getBean(javax.sql.DataSource.class).getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE FUNCTION refuse_leaves() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " RAISE EXCEPTION 'simulated outage' USING ERRCODE = '08006'; END $$");
            st.execute("CREATE TRIGGER refuse_leaves BEFORE INSERT ON merkle_leaves FOR EACH ROW EXECUTE FUNCTION refuse_leaves()");
        }
        // Lambda counts a thrown exception as the invocation's error, which the integrator's alarm watches.
        EmfOutput failed = EmfOutput.of(() -> assertThrows(RuntimeException.class, () -> invoke(ScheduledEvents.scheduler())));
        assertTrue(failed.value("caracal_database_queries_total", Map.of("function", "merkle-integrator", "kind", "transaction", "outcome", "error")) >= 1,
                "a failed invocation publishes its metrics too: " + failed.documents());
        MerkleLogStore log = context.getBean(MerkleLogStore.class);
        assertEquals(0, log.size());
        assertEquals(0, log.checkpoints().size());

        try (Connection c = context.getBean(javax.sql.DataSource.class).getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER refuse_leaves ON merkle_leaves");
        }
        assertEquals(BATCH_SIZE_LIMIT, invoke(ScheduledEvents.scheduler()));
        assertEquals(BATCH_SIZE_LIMIT, log.size());
        assertEquals(1, log.checkpoints().size());
    }
}
