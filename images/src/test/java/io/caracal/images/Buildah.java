package io.caracal.images;

import io.caracal.infra.images.ImageConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * buildah on a storage of its own ({@code root}), the one infra/images/build.sh builds into when given it as
 * CARACAL_BUILDAH_ROOT, with buildah's own storage driver (overlay); commands run in chroot isolation, which needs no
 * user namespaces or container runtime.
 */
final class Buildah {
    private final Path root;

    Buildah(Path root) {
        this.root = root;
    }

    /** Fails, saying how to install it, when there is no buildah to run. */
    static void requireInstalled() {
        try {
            Process version = new ProcessBuilder("buildah", "--version").redirectErrorStream(true).start();
            version.getInputStream().readAllBytes();
            if (version.waitFor() != 0) {
                throw new AssertionError("`buildah --version` failed: is buildah installed? (docs/deploy/images.md)");
            }
        } catch (IOException e) {
            throw new AssertionError("buildah is not installed: the images module needs it (Debian: apt-get install -y buildah; "
                    + "docs/deploy/images.md)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The environment in which build.sh builds into this storage. */
    Map<String, String> buildEnvironment() {
        return Map.of("CARACAL_BUILDAH_ROOT", root.toString());
    }

    /** {@code buildah <arguments>} on this storage. */
    List<String> command(String... arguments) {
        List<String> command = new ArrayList<>(List.of("buildah", "--root", root.resolve("storage").toString(), "--runroot",
                root.resolve("run").toString()));
        command.addAll(List.of(arguments));
        return command;
    }

    /** Runs {@code buildah <arguments>} to its end and returns what it printed; fails with its errors if it fails. */
    String call(String... arguments) {
        try {
            Path errors = Files.createTempFile("buildah-", ".err");
            try {
                Process process = new ProcessBuilder(command(arguments)).redirectError(errors.toFile()).start();
                byte[] out = process.getInputStream().readAllBytes();
                if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    throw new AssertionError("buildah " + String.join(" ", arguments) + " failed: " + Files.readString(errors));
                }
                return new String(out, StandardCharsets.UTF_8).strip();
            } finally {
                Files.delete(errors);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Removes what earlier runs left: working containers, and the images their tags have moved away from. */
    void removeLeftovers() {
        call("rm", "--all");
        call("rmi", "--prune");
    }

    ImageConfig inspect(String image) {
        return ImageConfig.fromInspect(call("inspect", "--type", "image", image));
    }

    /** A working container of {@code image}, whose files {@link #mount} shows and in which {@link #run} runs. */
    String from(String image) {
        return call("from", "--quiet", image);
    }

    /** Where the container's root filesystem is on this machine. */
    Path mount(String container) {
        return Path.of(call("mount", container));
    }

    void remove(String container) {
        call("rm", container);
    }

    /**
     * The command line that runs {@code command} in {@code container} as {@code user} with {@code environment}: in
     * its root filesystem, with this machine's network (so it reaches the tests' embedded services), and a fresh
     * tmpfs on /tmp, the one directory a Caracal container writes to (a volume in the chart, the root filesystem being
     * read-only).
     */
    List<String> run(String container, String user, Map<String, String> environment, List<String> command) {
        List<String> arguments = new ArrayList<>(List.of("run", "--isolation", "chroot", "--network", "host", "--user", user,
                "--mount", "type=tmpfs,destination=/tmp"));
        environment.forEach((name, value) -> arguments.addAll(List.of("--env", name + "=" + value)));
        arguments.add(container);
        arguments.add("--");
        arguments.addAll(command);
        return command(arguments.toArray(String[]::new));
    }
}
