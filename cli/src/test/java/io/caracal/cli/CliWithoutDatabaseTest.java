package io.caracal.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The admin CLI starts no database of its own: with none configured and no `caracal dev` running, it says what to do. */
class CliWithoutDatabaseTest {

    @Test
    void noDatabaseConfiguredIsOneClearLine(@TempDir Path home) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Caracal.run(new String[] {"agent", "list"}, Map.of("CARACAL_HOME", home.toString()),
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(1, code, err::toString);
        assertEquals("", out.toString());
        assertEquals("Error: no database configured: set DB_HOST (or database.host in the config file), or start `caracal dev` in another terminal"
                + System.lineSeparator(), err.toString());
        assertFalse(Files.exists(home.resolve("postgres")), "nothing is created in the Caracal home");
    }
}
