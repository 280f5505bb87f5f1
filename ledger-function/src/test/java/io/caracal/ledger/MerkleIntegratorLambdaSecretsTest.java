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
import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.CapturedLog;
import io.caracal.testing.ScheduledEvents;
import io.caracal.testing.SecretsManagerStub;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Merkle integrator as Terraform configures its Lambda function: no password and no key file, only
 * DB_PASSWORD_SECRET_ARN and MERKLE_SIGNING_KEY_SECRET_ARN, read through the real AWS SDK from a stub of Secrets
 * Manager over HTTP. It connects as a role PostgreSQL asks a password of, and signs checkpoints that verify with the
 * fetched key's public half; neither value is logged.
 */
class MerkleIntegratorLambdaSecretsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGIN = "caracal-secrets-test";
    private static final String ROLE = "caracal_secret_arns";
    private static final int BATCH_SIZE_LIMIT = 100;
    private static final Instant FIRST = Instant.parse("2026-03-02T09:00:00Z");

    private SecretsManagerStub secretsManager;
    private AutoCloseable sdkDefaults;
    private String database;
    private String password;

    @BeforeEach
    void start() {
        secretsManager = SecretsManagerStub.start();
        sdkDefaults = secretsManager.asSdkDefaults();
        database = "merkle_secrets_" + Long.toHexString(System.nanoTime());
        TestDatabase.create(database);
        password = "pg!" + HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes()).substring(0, 24) + "&";
        TestDatabase.passwordRole(ROLE, password);
    }

    @AfterEach
    void stop() throws Exception {
        sdkDefaults.close();
        secretsManager.close();
    }

    /** The settings Terraform gives the function, beside its environment variables' secrets: no password, no key path. */
    private ApplicationContextBuilder contextWith(Map<String, String> environment) {
        return ApplicationContext.builder().environments(MerkleIntegratorLambdaHandler.ENVIRONMENTS)
                .propertySources(FunctionLauncher.secrets(environment))
                .properties(Map.of("datasources.default.url", SharedServices.postgres().jdbcUrl(database), "datasources.default.username", ROLE,
                        "caracal.kafka.bootstrap-servers", SharedServices.kafka().bootstrapServers(),
                        "caracal.merkle.origin", ORIGIN, "caracal.merkle.batch-size-limit", BATCH_SIZE_LIMIT));
    }

    @Test
    void theIntegratorConnectsAndSignsWithTheSecretsItFetched(@TempDir Path dir) throws Exception {
        PemKeys.SigningKey key = PemKeys.generate(dir.resolve("merkle.pem"));
        String pem = Files.readString(dir.resolve("merkle.pem"));
        Files.delete(dir.resolve("merkle.pem"));
        Map<String, String> environment = Map.of(
                "DB_PASSWORD_SECRET_ARN", secretsManager.put("caracal-dev-db", JSON.writeValueAsString(Map.of("username", ROLE, "password", password))),
                "MERKLE_SIGNING_KEY_SECRET_ARN", secretsManager.put("caracal-dev-merkle-signing-key", pem));

        try (CapturedLog log = CapturedLog.start()) {
            ApplicationContext context = contextWith(environment).start();
            try (MerkleIntegratorLambdaHandler handler = new MerkleIntegratorLambdaHandler(context)) {
                writeLedgerEvents(context, BATCH_SIZE_LIMIT * 2);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                handler.handleRequest(new ByteArrayInputStream(ScheduledEvents.scheduler()), out, null);
                assertEquals(BATCH_SIZE_LIMIT * 2, JSON.readTree(out.toByteArray()).get("handled").asLong());

                MerkleLogStore merkleLog = context.getBean(MerkleLogStore.class);
                assertEquals(2, merkleLog.checkpoints().size());
                LedgerVerifier.Report report = new LedgerVerifier(merkleLog, List.of(new NoteKey(ORIGIN, key.publicKey())))
                        .verifyRange(FIRST, FIRST.plusSeconds(60));
                assertTrue(report.passed(), report.toString());
                assertEquals(BATCH_SIZE_LIMIT * 2, report.eventsChecked());
            }
            String keyBody = pem.lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
            log.assertNoneContains(password, keyBody);
        }
    }

    @Test
    void anUnknownSecretStopsTheStartInOneLineNamingItsVariable() {
        Map<String, String> environment = Map.of(
                "DB_PASSWORD_SECRET_ARN", secretsManager.put("caracal-dev-db", "{\"password\":\"" + password + "\"}"),
                "MERKLE_SIGNING_KEY_SECRET_ARN", secretsManager.arn("caracal-dev-merkle-key-deleted"));
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> contextWith(environment).start().close());
        assertEquals("MERKLE_SIGNING_KEY_SECRET_ARN: could not read secret caracal-dev-merkle-key-deleted-Ab12Cd from AWS Secrets Manager:"
                + " ResourceNotFoundException (Secrets Manager can't find the specified secret.)", failure.getMessage());
    }

    private static void writeLedgerEvents(ApplicationContext context, int count) {
        Agent agent = context.getBean(AgentStore.class).create(new AgentDraft("secrets-" + UUID.randomUUID(), "", "ops@example.com", null, Map.of()));
        List<MeteringEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new MeteringEvent(UUID.randomUUID(), agent.id(), null, new Money(new BigDecimal("0.01"), new CurrencyCode("USD")),
                    FIRST.plusMillis(i), "api.example.com", Map.of(), Map.of()));
        }
        assertEquals(count, context.getBean(LedgerStore.class).write(events).written());
    }
}
