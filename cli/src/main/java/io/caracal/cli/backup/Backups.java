package io.caracal.cli.backup;

import io.caracal.cli.CliSession;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.NotFoundException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Where backups live and how their manifests and files are read. */
final class Backups {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private Backups() {
    }

    static Manifest read(CliSession session, Path backup) {
        try {
            return session.json().readValue(Files.readAllBytes(backup.resolve(Manifest.FILE)), Manifest.class);
        } catch (IOException e) {
            throw new InvalidInputException("unreadable manifest in " + backup + ": " + e.getMessage());
        }
    }

    /** The backup with this id; an id is one path segment, so it never reaches outside the backup directory. */
    static Path find(Path directory, String id) {
        if (!ID.matcher(id).matches()) {
            throw new InvalidInputException("a backup id is letters, digits, '.', '_' and '-', got '" + id + "'");
        }
        Path backup = directory.resolve(id);
        if (!Files.isRegularFile(backup.resolve(Manifest.FILE))) {
            throw new NotFoundException("backup", id + " (in " + directory + ")");
        }
        return backup;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
