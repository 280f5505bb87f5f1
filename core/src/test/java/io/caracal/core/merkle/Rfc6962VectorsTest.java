package io.caracal.core.merkle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared RFC 6962 vectors (transparency-dev/merkle's): every inclusion, subtree-inclusion, consistency and
 * subtree-consistency case verifies, and every case marked wantErr is rejected.
 */
class Rfc6962VectorsTest {
    /** A copy of ../shared/vectors/rfc6962 (Apache-2.0, LICENSE beside them), so the build needs nothing outside the repository. */
    private static final Path VECTORS = Path.of("src", "test", "resources", "vectors", "rfc6962");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Path> cases(String kind) throws IOException {
        Path dir = VECTORS.resolve(kind);
        assertTrue(Files.isDirectory(dir), "missing vectors " + dir.toAbsolutePath().normalize());
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> found = new ArrayList<>(files.filter(f -> f.toString().endsWith(".json")).sorted().toList());
            assertTrue(found.size() > 10, "too few " + kind + " vectors: " + found.size());
            return found;
        }
    }

    private static byte[] bytes(JsonNode node) {
        return node == null || node.isNull() ? null : Base64.getDecoder().decode(node.asText());
    }

    private static List<byte[]> proof(JsonNode node) {
        List<byte[]> proof = new ArrayList<>();
        if (node != null && !node.isNull()) {
            node.forEach(p -> proof.add(bytes(p)));
        }
        return proof;
    }

    private static DynamicTest check(Path file, JsonNode v, org.junit.jupiter.api.function.Executable verify) {
        String name = VECTORS.relativize(file) + ": " + v.path("desc").asText();
        if (v.path("wantErr").asBoolean()) {
            return DynamicTest.dynamicTest(name, () -> assertThrows(InvalidProofException.class, verify));
        }
        return DynamicTest.dynamicTest(name, () -> assertDoesNotThrow(verify));
    }

    @TestFactory
    List<DynamicTest> inclusion() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : cases("inclusion")) {
            JsonNode v = JSON.readTree(file.toFile());
            tests.add(check(file, v, () -> Proofs.verifyInclusion(v.get("leafIdx").asLong(), v.get("treeSize").asLong(), bytes(v.get("leafHash")),
                    proof(v.get("proof")), bytes(v.get("root")))));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> subtreeInclusion() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : cases("subtreeinclusion")) {
            JsonNode v = JSON.readTree(file.toFile());
            tests.add(check(file, v, () -> Proofs.verifySubtreeInclusion(v.get("leafIdx").asLong(), v.get("start").asLong(), v.get("end").asLong(),
                    bytes(v.get("leafHash")), proof(v.get("proof")), bytes(v.get("root")))));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> consistency() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : cases("consistency")) {
            JsonNode v = JSON.readTree(file.toFile());
            tests.add(check(file, v, () -> Proofs.verifyConsistency(v.get("size1").asLong(), v.get("size2").asLong(), bytes(v.get("root1")),
                    bytes(v.get("root2")), proof(v.get("proof")))));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> subtreeConsistency() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : cases("subtreeconsistency")) {
            JsonNode v = JSON.readTree(file.toFile());
            tests.add(check(file, v, () -> Proofs.verifySubtreeConsistency(v.get("start").asLong(), v.get("end").asLong(), v.get("size").asLong(),
                    bytes(v.get("root1")), bytes(v.get("root2")), proof(v.get("proof")))));
        }
        return tests;
    }
}
