package io.caracal.cli;

import io.caracal.core.budget.BudgetStoreUnavailableException;
import io.caracal.core.error.StorageUnavailableException;

import java.nio.file.Path;

/**
 * What a CLI invocation starts for itself when no database or Redis is configured ("local mode"): a PostgreSQL
 * keeping its data under the Caracal home, and a private Redis. Only the dev-stack distribution carries them; the
 * admin CLI ships no database or Redis binaries, so its {@link #NONE} says what to configure instead.
 */
public interface LocalServices {

    /** A started service: where it listens. Closing it stops it. */
    interface Server extends AutoCloseable {
        String host();

        int port();

        @Override
        void close();
    }

    /** PostgreSQL over {@code dataDirectory}, with {@code database} created, admitting {@link ConnectionSettings#LOCAL_USER}. */
    Server postgres(Path dataDirectory, String database);

    /** An empty Redis of this invocation's own. */
    Server redis();

    LocalServices NONE = new LocalServices() {
        @Override
        public Server postgres(Path dataDirectory, String database) {
            throw new StorageUnavailableException("no database configured: set DB_HOST (or database.host in the config file),"
                    + " or start `caracal dev` in another terminal", null);
        }

        @Override
        public Server redis() {
            throw new BudgetStoreUnavailableException("no Redis configured: set REDIS_URL or REDIS_HOST (or redis.url or redis.host in"
                    + " the config file), or start `caracal dev` in another terminal", null);
        }
    };
}
