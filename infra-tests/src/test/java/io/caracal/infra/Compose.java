package io.caracal.infra;

import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.infra.kubernetes.Manifests;
import io.caracal.infra.tool.Tool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * docker-compose.v03.yml through Debian's docker-compose (1.29): `config` reads, interpolates and validates the file
 * against the Compose schema without a Docker daemon, as `up` would before starting anything.
 */
final class Compose {
    static final Tool DOCKER_COMPOSE = new Tool("docker-compose", "Docker Compose (Debian: apt-get install -y docker-compose; "
            + "it validates docker-compose.v03.yml offline, no daemon needed)");
    static final String FILE = "docker-compose.v03.yml";
    static final String ENV_EXAMPLE = ".env.v03.example";

    private final Path repository;

    Compose(Path repository) {
        this.repository = repository;
    }

    /**
     * `docker-compose --env-file .env.v03.example -f docker-compose.v03.yml config`, as after `cp .env.v03.example
     * .env`, with {@code env} as the shell's environment (which wins over the file, as it does for docker-compose).
     */
    Tool.Run config(Map<String, String> env) {
        return DOCKER_COMPOSE.run(repository, env, "--env-file", ENV_EXAMPLE, "-f", FILE, "config");
    }

    /** The file as docker-compose resolves it (anchors merged, variables interpolated), from a `config` that succeeded. */
    JsonNode resolved(Map<String, String> env) {
        Tool.Run run = config(env);
        if (!run.succeeded()) {
            throw new AssertionError("docker-compose -f " + FILE + " config failed (exit " + run.exitCode() + "):\n" + run.output());
        }
        try {
            return Manifests.YAML.readTree(run.output());
        } catch (IOException e) {
            throw new UncheckedIOException("docker-compose config printed no YAML: " + e.getMessage(), e);
        }
    }
}
