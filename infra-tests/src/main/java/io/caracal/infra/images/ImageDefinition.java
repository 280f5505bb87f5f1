package io.caracal.infra.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One image of infra/images/images.conf, the list infra/images/build.sh builds: {@code caracal/<name>}, made of the
 * jar {@code <module>/target/<jar>}, started by {@link #entrypoint()}, serving {@code ports}.
 *
 * @param mainClass empty: the jar's own Main-Class ({@code java -jar})
 */
public record ImageDefinition(String name, String module, String jar, Optional<String> mainClass, List<Integer> ports) {
    /** Where the image keeps its jar and its Java runtime. */
    public static final String APP = "/app";
    public static final String JAVA = "/opt/java/bin/java";

    public ImageDefinition {
        ports = List.copyOf(ports);
    }

    /** The images of {@code conf}, in its order. */
    public static List<ImageDefinition> read(Path conf) {
        List<String> lines;
        try {
            lines = Files.readAllLines(conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ImageDefinition> images = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                images.add(parse(line, conf.getFileName() + ":" + (i + 1)));
            }
        }
        return images;
    }

    private static ImageDefinition parse(String line, String where) {
        String[] columns = line.split("\\s+");
        if (columns.length != 5) {
            throw new IllegalArgumentException(where + ": expected name, module, jar, main and ports, got " + Arrays.toString(columns));
        }
        Optional<String> main = columns[3].equals("-") ? Optional.empty() : Optional.of(columns[3]);
        List<Integer> ports = columns[4].equals("-") ? List.of() : Arrays.stream(columns[4].split(",")).map(p -> port(p, where)).toList();
        return new ImageDefinition(columns[0], columns[1], columns[2], main, ports);
    }

    private static int port(String text, String where) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": port '" + text + "' is not a number");
        }
    }

    /** {@code caracal/<name>}, the repository the Helm chart pulls. */
    public String repository() {
        return "caracal/" + name;
    }

    /** The command the image starts: {@code java -jar /app/<jar>}, or {@code java -cp /app/<jar> <main>}. */
    public List<String> entrypoint() {
        String path = APP + "/" + jar;
        return mainClass.map(main -> List.of(JAVA, "-cp", path, main)).orElse(List.of(JAVA, "-jar", path));
    }
}
