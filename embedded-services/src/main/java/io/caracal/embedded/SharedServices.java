package io.caracal.embedded;

/**
 * One PostgreSQL, one Kafka broker and one Redis per JVM, each started on first use and stopped when the
 * JVM exits. Tests share them (a test that needs isolation creates its own database or key space) so a
 * module's suite pays each start-up once.
 */
public final class SharedServices {
    private SharedServices() {
    }

    public static EmbeddedPostgresServer postgres() {
        return PostgresHolder.INSTANCE;
    }

    public static EmbeddedKafkaBroker kafka() {
        return KafkaHolder.INSTANCE;
    }

    public static EmbeddedRedisServer redis() {
        return RedisHolder.INSTANCE;
    }

    private static <T extends AutoCloseable> T closedAtExit(T service) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception ignored) {
                // The JVM is going away; a failed stop must not hide the test result.
            }
        }));
        return service;
    }

    // Holder classes give lazy, thread-safe, once-only start-up without locks.
    private static final class PostgresHolder {
        static final EmbeddedPostgresServer INSTANCE = closedAtExit(EmbeddedPostgresServer.startTemporary());
    }

    private static final class KafkaHolder {
        static final EmbeddedKafkaBroker INSTANCE = closedAtExit(EmbeddedKafkaBroker.start());
    }

    private static final class RedisHolder {
        static final EmbeddedRedisServer INSTANCE = closedAtExit(EmbeddedRedisServer.start());
    }
}
