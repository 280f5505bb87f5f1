package io.caracal.cli;

import io.caracal.core.error.InvalidInputException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The new password of a rotate command: generated here, and given only where the operator asks — the file of
 * {@code --password-file} (owner-only, written before the old password stops working), or else once on stdout.
 * It never reaches a log, an event, an audit row or an error message.
 */
public final class NewPasswordOption {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Write the new password to this file (mode 600, replaced if it exists) instead of printing it.")
    Path file;

    /** 192 random bits in URL-safe base64: no quote, backslash or space to escape in SQL, JAAS or a shell. */
    public String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Saves {@code password} to the file when one was named; call it before the change, so a write failure changes nothing. */
    public void save(String password) {
        if (file == null) {
            return;
        }
        Path target = file.toAbsolutePath();
        try {
            Path partial = Files.createTempFile(target.getParent(), ".caracal-password", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, password + "\n", StandardCharsets.UTF_8);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            throw new InvalidInputException("cannot write the new password to " + target + " (nothing was changed): " + e.getMessage());
        }
    }

    /** The password as the command's output shows it: itself when printed, absent when it went to the file. */
    public String shown(String password) {
        return file == null ? password : null;
    }

    /** The file the password went to, or null when it is printed. */
    public String file() {
        return file == null ? null : file.toAbsolutePath().toString();
    }

    /** Where the password went, for the text output. */
    public String where() {
        return file == null ? "printed below (store it now: it is not kept anywhere)" : "written to " + file.toAbsolutePath();
    }
}
