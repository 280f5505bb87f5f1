package io.caracal.core.receipt;

import io.caracal.core.keys.PemKeys;
import io.caracal.core.store.Database;
import io.caracal.testing.MutableClock;
import io.caracal.testing.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** receipt_keys on real PostgreSQL: registering is idempotent, keys are found by id, and none can be changed or removed. */
class ReceiptKeyStoreTest {
    private static HikariDataSource pool;
    private static ReceiptKeyStore store;
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-20T12:00:00Z"));

    @BeforeAll
    static void setUp() {
        pool = TestDatabase.pool("receipt_keys_" + Long.toHexString(System.nanoTime()));
        store = new ReceiptKeyStore(new Database(pool), CLOCK);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void keysAreRegisteredOnceFoundByIdAndNeverChanged() {
        PemKeys.SigningKey first = PemKeys.generate();
        PemKeys.SigningKey second = PemKeys.generate();
        String firstId = store.register(first.publicKey());
        CLOCK.advance(Duration.ofMinutes(1));
        assertEquals(firstId, store.register(first.publicKey()), "registering again is harmless");
        String secondId = store.register(second.publicKey());

        assertEquals(ReceiptSigner.keyId(first.publicKey()), firstId);
        assertEquals(Optional.of(first.publicKey()), store.find(firstId));
        assertEquals(Optional.empty(), store.find("00000000"));
        List<ReceiptKeyStore.RegisteredKey> all = store.all();
        assertEquals(List.of(firstId, secondId), all.stream().map(ReceiptKeyStore.RegisteredKey::keyId).toList());
        assertEquals(Instant.parse("2026-11-20T12:00:00Z"), all.get(0).createdAt(), "the first registration stands");

        for (String sql : List.of("UPDATE receipt_keys SET created_at = now()", "DELETE FROM receipt_keys", "TRUNCATE receipt_keys")) {
            SQLException refused = assertThrows(SQLException.class, () -> TestDatabase.execute(pool, sql), sql);
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
        }
        assertEquals(2, store.all().size());
    }
}
