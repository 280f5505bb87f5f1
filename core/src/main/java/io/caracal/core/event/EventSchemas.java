package io.caracal.core.event;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every event schema ever published (schemas/*.avsc, one file per version, never edited once committed). A
 * record on the wire names its writer schema by fingerprint (CRC-64-AVRO of the parsing canonical form, in hex),
 * so a consumer reads records written by any older producer through the latest version of the same schema.
 */
public final class EventSchemas {
    /** The committed schema files, oldest version first within each name. A new version is added here, never replaced. */
    public static final List<String> FILES = List.of(
            "metering_event.v1.avsc",
            "policy_decision.v1.avsc",
            "agent_lifecycle.v1.avsc",
            "policy_change.v1.avsc",
            "dead_letter.v1.avsc");

    public static final String METERING = "io.caracal.events.MeteringEvent";
    public static final String POLICY_DECISION = "io.caracal.events.PolicyDecision";
    public static final String AGENT_LIFECYCLE = "io.caracal.events.AgentLifecycle";
    public static final String POLICY_CHANGE = "io.caracal.events.PolicyChange";
    public static final String DEAD_LETTER = "io.caracal.events.DeadLetter";

    private static final EventSchemas INSTANCE = load();

    private final Map<String, Schema> latest = new HashMap<>();
    private final Map<String, Schema> byFingerprint = new HashMap<>();
    private final Map<String, String> fingerprintOfLatest = new HashMap<>();

    private EventSchemas() {
    }

    public static EventSchemas get() {
        return INSTANCE;
    }

    private static EventSchemas load() {
        EventSchemas schemas = new EventSchemas();
        for (String file : FILES) {
            try (InputStream in = EventSchemas.class.getResourceAsStream("/schemas/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("event schema " + file + " is not on the classpath");
                }
                Schema schema = new Schema.Parser().parse(in);
                String fingerprint = fingerprint(schema);
                schemas.byFingerprint.put(fingerprint, schema);
                schemas.latest.put(schema.getFullName(), schema);
                schemas.fingerprintOfLatest.put(schema.getFullName(), fingerprint);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return schemas;
    }

    public static String fingerprint(Schema schema) {
        return HexFormat.of().toHexDigits(SchemaNormalization.parsingFingerprint64(schema));
    }

    public Schema latest(String fullName) {
        Schema schema = latest.get(fullName);
        if (schema == null) {
            throw new IllegalArgumentException("no event schema named " + fullName);
        }
        return schema;
    }

    public String latestFingerprint(String fullName) {
        latest(fullName);
        return fingerprintOfLatest.get(fullName);
    }

    public Optional<Schema> writerSchema(String fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }
}
