package io.caracal.core.event;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Event contracts only ever evolve BACKWARD compatibly: a consumer on the latest schema reads what any older
 * producer wrote. Checked between the versions in schemas/ and against every version ever committed to git,
 * so editing a committed schema in a breaking way fails the build.
 */
class SchemaCompatibilityTest {
    private static final Pattern FILE_NAME = Pattern.compile("([a-z0-9_]+)\\.v(\\d+)\\.avsc");
    private static Path root;

    @BeforeAll
    static void findRepository() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".git")) && Files.isDirectory(dir.resolve("schemas"))) {
                root = dir;
                return;
            }
        }
        fail("no git repository with a schemas/ directory above " + Path.of("").toAbsolutePath()
                + ": the schema compatibility check needs the repository and its history");
    }

    /** Why {@code reader} cannot read what {@code writer} wrote; empty when it can. */
    static List<String> incompatibilities(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        return result.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .toList();
    }

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    private static Schema file(String name) throws IOException {
        return parse(Files.readString(root.resolve("schemas").resolve(name), StandardCharsets.UTF_8));
    }

    private static int version(String file) {
        Matcher m = FILE_NAME.matcher(file);
        assertTrue(m.matches(), file + " is not named <name>.v<version>.avsc");
        return Integer.parseInt(m.group(2));
    }

    @Test
    void everySchemaFileIsRegisteredAndViceVersa() throws IOException {
        Set<String> onDisk;
        try (Stream<Path> files = Files.list(root.resolve("schemas"))) {
            onDisk = new TreeSet<>(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).toList());
        }
        assertEquals(onDisk, new TreeSet<>(EventSchemas.FILES), "schemas/ and EventSchemas.FILES must list the same files");
        onDisk.forEach(SchemaCompatibilityTest::version);
    }

    @Test
    void everyVersionReadsWhatEveryOlderVersionWrote() throws IOException {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (String file : EventSchemas.FILES) {
            byName.computeIfAbsent(file(file).getFullName(), k -> new ArrayList<>()).add(file);
        }
        for (List<String> files : byName.values()) {
            List<String> ordered = files.stream().sorted(Comparator.comparingInt(SchemaCompatibilityTest::version)).toList();
            assertEquals(ordered, files, "EventSchemas.FILES lists versions oldest first");
            for (int newer = 0; newer < ordered.size(); newer++) {
                for (int older = 0; older < newer; older++) {
                    List<String> problems = incompatibilities(file(ordered.get(newer)), file(ordered.get(older)));
                    assertEquals(List.of(), problems, ordered.get(newer) + " cannot read data written with " + ordered.get(older));
                }
            }
        }
    }

    @Test
    void theLatestSchemasReadEveryVersionEverCommitted() {
        int committedVersions = 0;
        List<String> problems = new ArrayList<>();
        for (String file : EventSchemas.FILES) {
            for (String commit : git("log", "--format=%H", "--", "schemas/" + file).lines().filter(l -> !l.isBlank()).toList()) {
                Schema committed = parse(git("show", commit + ":schemas/" + file));
                committedVersions++;
                Schema latest = EventSchemas.get().latest(committed.getFullName());
                incompatibilities(latest, committed).forEach(p -> problems.add(file + " as of " + commit + ": " + p));
                // Old producers name their writer schema by fingerprint: it must still resolve, so a committed file is never edited.
                if (EventSchemas.get().writerSchema(EventSchemas.fingerprint(committed)).isEmpty()) {
                    problems.add(file + " as of " + commit + " has fingerprint " + EventSchemas.fingerprint(committed)
                            + " that no schema in EventSchemas.FILES has any more: add a new version instead of editing it");
                }
            }
        }
        assertTrue(committedVersions > 0, "git history has no committed version of any schema: is this a shallow clone?");
        assertEquals(List.of(), problems, "the latest schemas cannot read events written with committed versions");
    }

    /** Runs git in the repository; fails the test, never skips it, when git or the history is not there. */
    private static String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail("git history is unavailable (" + String.join(" ", command) + "): " + output.strip());
            }
            return output;
        } catch (IOException e) {
            return fail("git history is unavailable: cannot run git: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running git");
        }
    }

    @Test
    void theCheckCatchesABreakingChange() {
        Schema current = EventSchemas.get().latest(EventSchemas.METERING);
        String json = current.toString();
        Schema newRequiredField = parse(json.replaceFirst("\"fields\":\\[", "\"fields\":[{\"name\":\"tenant\",\"type\":\"string\"},"));
        assertNotEquals(List.of(), incompatibilities(newRequiredField, current), "a new field without a default breaks old data");
        Schema retyped = parse(json.replaceFirst("\\{\"name\":\"event_id\",\"type\":\"string\"", "{\"name\":\"event_id\",\"type\":\"int\""));
        assertNotEquals(List.of(), incompatibilities(retyped, current), "a field changed from string to int breaks old data");

        Schema optionalField = parse(json.replaceFirst("\"fields\":\\[",
                "\"fields\":[{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null},"));
        assertEquals(List.of(), incompatibilities(optionalField, current), "a new field with a default is a compatible change");
    }
}
