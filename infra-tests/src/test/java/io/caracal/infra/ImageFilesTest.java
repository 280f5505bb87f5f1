package io.caracal.infra;

import io.caracal.infra.images.ImageConfig;
import io.caracal.infra.images.ImageDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** images.conf's lines and buildah inspect's output, read as the image checks read them. */
class ImageFilesTest {
    @Test
    void anImagesLineNamesItsJarMainClassAndPorts(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("images.conf");
        Files.writeString(conf, """
                # name  module  jar  main  ports

                gateway      gateway-function  caracal-gateway.jar  -                        8080,9090
                mcp-adapter  gateway-function  caracal-gateway.jar  io.caracal.gateway.mcp.M  8080
                cli          cli               caracal-cli.jar      -                        -
                """);
        List<ImageDefinition> images = ImageDefinition.read(conf);
        assertEquals(List.of(new ImageDefinition("gateway", "gateway-function", "caracal-gateway.jar", Optional.empty(), List.of(8080, 9090)),
                new ImageDefinition("mcp-adapter", "gateway-function", "caracal-gateway.jar", Optional.of("io.caracal.gateway.mcp.M"), List.of(8080)),
                new ImageDefinition("cli", "cli", "caracal-cli.jar", Optional.empty(), List.of())), images);
        assertEquals("caracal/mcp-adapter", images.get(1).repository());
        assertEquals(List.of("/opt/java/bin/java", "-jar", "/app/caracal-gateway.jar"), images.get(0).entrypoint());
        assertEquals(List.of("/opt/java/bin/java", "-cp", "/app/caracal-gateway.jar", "io.caracal.gateway.mcp.M"), images.get(1).entrypoint());
    }

    @Test
    void aMalformedLineIsRefusedWithWhereItIs(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("images.conf");
        Files.writeString(conf, "# header\ngateway gateway-function caracal-gateway.jar -\n");
        assertEquals("images.conf:2: expected name, module, jar, main and ports, got [gateway, gateway-function, caracal-gateway.jar, -]",
                assertThrows(IllegalArgumentException.class, () -> ImageDefinition.read(conf)).getMessage());
        Files.writeString(conf, "gateway gateway-function caracal-gateway.jar - 8080,http\n");
        assertEquals("images.conf:1: port 'http' is not a number",
                assertThrows(IllegalArgumentException.class, () -> ImageDefinition.read(conf)).getMessage());
    }

    /** The output of `buildah inspect --type image caracal/gateway:0.1.0` (buildah 1.28.2) after infra/images/build.sh. */
    @Test
    void theConfigurationOfABuiltImage() throws IOException {
        ImageConfig config = ImageConfig.fromInspect(resource("/images/buildah-inspect-gateway.json"));
        assertEquals("10001:10001", config.user());
        assertEquals(10001, config.uid());
        assertEquals(List.of("/opt/java/bin/java", "-jar", "/app/caracal-gateway.jar"), config.entrypoint());
        assertEquals(List.of(), config.cmd());
        assertEquals(Set.of("8080/tcp", "8443/tcp", "9090/tcp"), config.exposedPorts());
        assertEquals("/app", config.workingDir());
        assertEquals(Map.of("JAVA_HOME", "/opt/java", "PATH", "/opt/java/bin"), config.env());
        assertEquals("0.1.0", config.labels().get("org.opencontainers.image.version"));
    }

    @Test
    void aUserByNameOrNoneIsNotANumericNonRootOne() {
        assertEquals(-1, config("\"User\":\"root\"").uid());
        assertEquals(-1, config("\"Entrypoint\":[\"/bin/x\"]").uid());
        assertEquals(0, config("\"User\":\"0:0\"").uid());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageConfig.fromInspect("{\"Type\":\"buildah 0.0.1\"}"))
                .getMessage().contains("no OCIv1.config"));
    }

    private static ImageConfig config(String fields) {
        return ImageConfig.fromInspect("{\"OCIv1\":{\"config\":{" + fields + "}}}");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ImageFilesTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
