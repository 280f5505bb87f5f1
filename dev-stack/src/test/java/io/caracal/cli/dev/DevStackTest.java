package io.caracal.cli.dev;

import io.caracal.cli.Caracal;
import io.caracal.cli.CliSession;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `caracal dev`'s stack: a call through its gateway is charged and receipted, and the admin CLI in "another terminal" sees and verifies it. */
class DevStackTest {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Test
    void theDemoCallIsChargedAndOtherCommandsUseTheRunningStack(@TempDir Path home) throws Exception {
        String agentId;
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        try (DevStack stack = DevStack.start(home, 0)) {
            assertTrue(Files.exists(home.resolve(CliSession.DEV_ENV)));
            agentId = stack.demoAgent().id().toString();
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(stack.gatewayUrl() + "/demo/v1/chat/completions"))
                    .header("X-API-Key", stack.apiKey()).header("X-Caracal-Estimated-Cost", "0.02")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("Hello from the Caracal demo upstream"));
            assertEquals(DemoUpstream.COST_PER_CALL, response.headers().firstValue("X-Caracal-Charged").orElseThrow());
            assertEquals("0.99", response.headers().firstValue("X-Caracal-Remaining-Budget").orElseThrow());

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Caracal.run(new String[] {"budget", "status", "--agent-id", agentId, "-o", "json"},
                    Map.of("CARACAL_HOME", home.toString()), new PrintWriter(out, true), new PrintWriter(err, true));
            assertEquals(0, code, err::toString);
            assertTrue(out.toString().contains("\"spent\":\"0.01\""), out.toString());

            // The consumers run in the stack too: the call's metering and decision events reach the audit log.
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://" + stack.postgresAddress() + "/caracal",
                    io.caracal.embedded.EmbeddedPostgresServer.USER, "")) {
                long audited = io.caracal.testing.Await.until(java.time.Duration.ofSeconds(60), () -> count(c,
                        "SELECT count(DISTINCT topic) FROM audit_log WHERE agent_id = '" + agentId + "'::uuid"
                                + " AND topic IN ('caracal.metering.events', 'caracal.policy.decisions')"), n -> n >= 2);
                assertEquals(2, audited, "the metering and the decision event of the demo call are in the audit log");

                // The ledger function signs the demo charge within the dev batch timeout, and the CLI verifies it.
                long checkpoints = io.caracal.testing.Await.until(java.time.Duration.ofSeconds(60),
                        () -> count(c, "SELECT count(*) FROM merkle_checkpoints"), n -> n > 0);
                assertEquals(1, checkpoints, "one checkpoint over the demo charge");

                // The agent asks for the charge's receipt again, and the CLI verifies it against the ledger and the checkpoint.
                String eventId = text(c, "SELECT event_id::text FROM ledger_events WHERE agent_id = '" + agentId + "'::uuid");
                HttpResponse<String> receipt = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(stack.gatewayUrl() + "/receipts/" + eventId)).header("X-API-Key", stack.apiKey()).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, receipt.statusCode(), receipt.body());
                StringWriter checked = new StringWriter();
                StringWriter checkErr = new StringWriter();
                int checkCode = Caracal.run(new String[] {"receipt", "verify", JSON.readTree(receipt.body()).get("receipt").asText(), "-o", "json"},
                        Map.of("CARACAL_HOME", home.toString()), new PrintWriter(checked, true), new PrintWriter(checkErr, true));
                assertEquals(0, checkCode, checkErr::toString);
                assertEquals("included", JSON.readTree(checked.toString()).get("checkpoint").asText(), checked.toString());
            }
            // A new user's first screen: the ledger's jobs have run by now (the checkpoint), and none of them failed on a missing schema.
            assertEquals(List.of(), logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                    .map(ILoggingEvent::getFormattedMessage).toList(), "errors logged on a fresh start");
        } finally {
            root.detachAppender(logged);
            // The stack has stopped: local mode opens the data it left behind.
            StringWriter verified = new StringWriter();
            int verifiedCode = Caracal.run(new String[] {"merkle", "verify-range", "--start-time", "2000-01-01T00:00:00Z", "--end-time",
                    "2100-01-01T00:00:00Z"}, Map.of("CARACAL_HOME", home.toString()), new PrintWriter(verified, true), new PrintWriter(new StringWriter(), true),
                    CaracalDev.DISTRIBUTION);
            assertEquals(0, verifiedCode, verified::toString);
            assertTrue(verified.toString().contains("Integrity: PASSED") && verified.toString().contains("Signature: Valid"), verified.toString());
        }
        assertFalse(Files.exists(home.resolve(CliSession.DEV_ENV)), "dev.env goes with the stack");

        // Started again on the same data: the demo agent and what it spent are still there.
        try (DevStack again = DevStack.start(home, 0)) {
            assertEquals(agentId, again.demoAgent().id().toString());
            StringWriter out = new StringWriter();
            Caracal.run(new String[] {"budget", "spend", "--agent-id", agentId, "--time-window", "daily", "-o", "json"},
                    Map.of("CARACAL_HOME", home.toString()), new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
            assertTrue(out.toString().contains("\"USD\":\"0.01\""), out.toString());
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://" + again.postgresAddress() + "/caracal",
                    io.caracal.embedded.EmbeddedPostgresServer.USER, "")) {
                assertEquals(1, count(c, "SELECT count(*) FROM receipt_keys"), "the dev receipt key is kept with the data, not made anew");
            }
        }
    }

    private static String text(java.sql.Connection c, String sql) {
        try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(java.sql.Connection c, String sql) {
        return Long.parseLong(text(c, sql));
    }
}
