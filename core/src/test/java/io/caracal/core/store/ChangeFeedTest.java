package io.caracal.core.store;

import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentStore;
import io.caracal.testing.Await;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChangeFeedTest {

    /** What a subscriber heard, in order: table names, "lost" and "listening". */
    private static final class Heard implements ChangeFeed.Subscriber {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void changed(String table) {
            events.add(table);
        }

        @Override
        public void lost() {
            events.add("lost");
        }

        @Override
        public void listening() {
            events.add("listening");
        }
    }

    @Test
    void subscribersHearCommittedChangesByTableAndALostConnectionUntilItListensAgain() throws Exception {
        try (HikariDataSource pool = TestDatabase.pool("change_feed"); ChangeFeed feed = new ChangeFeed(pool, new DatabaseOutage(java.time.Clock.systemUTC())).start()) {
            Heard heard = new Heard();
            feed.subscribe(heard);
            Await.until(Duration.ofSeconds(10), () -> heard.events.contains("listening"), "the feed to listen");
            new AgentStore(new Database(pool), Clock.systemUTC()).create(new AgentDraft("feed-" + java.util.UUID.randomUUID(), "", "ops@example.com", null, Map.of()));
            Await.until(Duration.ofSeconds(1), () -> heard.events.contains("agents"), "the change to agents to be heard");

            heard.events.clear();
            TestDatabase.execute(pool, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND query = 'LISTEN " + ChangeFeed.CHANNEL + "'");
            Await.until(Duration.ofSeconds(10), () -> heard.events.contains("listening"), "the feed to listen again");
            assertEquals("lost", heard.events.get(0), heard.events.toString());
        }
    }
}
