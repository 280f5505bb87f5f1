package io.caracal.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A module's runnable jar (the parent POM's maven-shade-plugin: target/caracal-*.jar) started the way its container
 * image starts it, {@code java -jar}, configured only by environment variables: the proof that the jar runs on its
 * own, outside the test's class path.
 */
public final class RunnableJar {
    /** The system property in which failsafe names the module's runnable jar (the parent POM's caracal.runnable-jar). */
    public static final String PROPERTY = "caracal.runnable-jar";

    private RunnableJar() {
    }

    /** The runnable jar of the module under test, built by {@code package} before failsafe runs. */
    public static Path ofModule() {
        String jar = System.getProperty(PROPERTY);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("no runnable jar at " + PROPERTY + "=" + jar + ": run the *IT tests with `mvn verify`");
        }
        return Path.of(jar);
    }

    /** {@code java -jar <the module's jar>}, as the image's entrypoint runs it. */
    public static ChildProcess start(String name, Map<String, String> environment) {
        return java(name, environment, "-jar", ofModule().toString());
    }

    /** {@code java -cp <the module's jar> <mainClass>}: another application of the same jar (the MCP adapter in the gateway's). */
    public static ChildProcess startMain(String name, String mainClass, Map<String, String> environment) {
        return java(name, environment, "-cp", ofModule().toString(), mainClass);
    }

    private static ChildProcess java(String name, Map<String, String> environment, String... arguments) {
        // A small heap and C1 only: the machine running the suite is shared by the other tests' JVMs.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(arguments));
        return ChildProcess.start(name, command, environment);
    }
}
