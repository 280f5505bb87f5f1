package io.caracal.embedded;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EmbeddedPostgresServerTest {

    @Test
    void durabilityIsOffByDefaultAndSettingsGivenWin() throws Exception {
        try (EmbeddedPostgresServer fast = EmbeddedPostgresServer.startTemporary()) {
            assertEquals("off off off", durability(fast));
        }
        // zonky starts the postmaster with -F (fsync off): the fsync=on given here must still win.
        try (EmbeddedPostgresServer durable = EmbeddedPostgresServer.startTemporary(
                Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on"))) {
            assertEquals("on on on", durability(durable));
        }
    }

    private static String durability(EmbeddedPostgresServer server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), EmbeddedPostgresServer.USER, "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit')"
                     + " || ' ' || current_setting('full_page_writes')")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
