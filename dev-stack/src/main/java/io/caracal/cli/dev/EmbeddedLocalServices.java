package io.caracal.cli.dev;

import io.caracal.cli.LocalServices;
import io.caracal.core.error.StorageUnavailableException;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.EmbeddedRedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Local mode on the embedded services, over the PostgreSQL data directory {@code caracal dev} keeps too. */
final class EmbeddedLocalServices implements LocalServices {

    @Override
    public Server postgres(Path dataDirectory, String database) {
        try {
            Files.createDirectories(dataDirectory.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EmbeddedPostgresServer postgres;
        try {
            postgres = EmbeddedPostgresServer.startPersistent(dataDirectory);
        } catch (RuntimeException e) {
            throw new StorageUnavailableException("could not start the local embedded PostgreSQL in " + dataDirectory
                    + " (set DB_HOST to use an external database): " + e.getMessage(), e);
        }
        postgres.createDatabase(database);
        return new Started(postgres.host(), postgres.port(), postgres::close);
    }

    @Override
    public Server redis() {
        EmbeddedRedisServer redis = EmbeddedRedisServer.start();
        return new Started(redis.host(), redis.port(), redis::close);
    }

    private record Started(String host, int port, Runnable stop) implements Server {
        @Override
        public void close() {
            stop.run();
        }
    }
}
