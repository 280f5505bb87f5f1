package io.caracal.cli.backup;

import io.caracal.cli.CliSession;
import io.caracal.cli.ConnectionSettings;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.ledger.Bundles;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.ledger.LedgerBundleWriter;
import io.caracal.core.store.Database;
import io.caracal.core.store.SchemaMigrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a backup directory <dir>/<backup-id>/ with a manifest (sizes and SHA-256 of every file): a pg_dump of the"
                + " database (types full, postgresql), a verifiable ledger bundle (types full, ledger), or every record of Caracal's"
                + " Kafka topics with the consumer groups' committed offsets (type kafka). For type full, a missing or too old pg_dump"
                + " is recorded as skipped and the bundle is still written; type postgresql then fails.")
final class BackupCreateCommand extends SessionCommand {
    enum Type { FULL, POSTGRESQL, LEDGER, KAFKA }

    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Option(names = "--type", defaultValue = "full", description = "full, postgresql, ledger or kafka (default: ${DEFAULT-VALUE}).")
    Type type;

    @Option(names = "--tag", paramLabel = "LABEL",
            description = "A label kept in the manifest and shown by list and verify, e.g. corruption-evidence (letters, digits, . _ -).")
    String tag;

    @Mixin
    BackupDirectoryOption location;

    BackupCreateCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new InvalidInputException("a tag is 1 to 64 letters, digits, '.', '_' and '-', starting with a letter or digit; got '" + tag + "'");
        }
        // A Kafka backup needs no database, so it reads the clock without starting one.
        Instant now = session.clock().instant();
        String id = "backup-" + ID_TIME.format(now) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
        Path directory = location.resolve(session).toAbsolutePath();
        Path partial = directory.resolve("." + id + ".partial");
        try {
            Files.createDirectories(partial);
            Manifest manifest = fill(partial, id, now);
            Files.write(partial.resolve(Manifest.FILE), session.json().writeValueAsBytes(manifest));
            Path backup = directory.resolve(id);
            Files.move(partial, backup, StandardCopyOption.ATOMIC_MOVE);
            print(manifest, () -> {
                out().println("Backup created:");
                field("Backup ID", id);
                field("Directory", backup);
                field("Type", manifest.type());
                field("Tag", manifest.tag());
                manifest.files().forEach(f -> field(f.name(), f.size() + " bytes, sha256 " + f.sha256()));
                manifest.skipped().forEach(s -> field(s.name(), "skipped: " + s.reason()));
            });
        } catch (IOException e) {
            throw new InvalidInputException("cannot write the backup in " + directory + ": " + e.getMessage());
        } finally {
            delete(partial);
        }
    }

    private Manifest fill(Path partial, String id, Instant now) throws IOException {
        List<Manifest.Skipped> skipped = new ArrayList<>();
        if (type == Type.KAFKA) {
            KafkaBackup.write(session, partial, now);
            return manifest(partial, id, now, null, List.of());
        }
        if (type != Type.LEDGER) {
            Optional<String> skip = dump(partial.resolve(Manifest.DUMP));
            if (skip.isPresent() && type == Type.POSTGRESQL) {
                throw new InvalidInputException("cannot back up the database: " + skip.get());
            }
            skip.ifPresent(reason -> {
                skipped.add(new Manifest.Skipped(Manifest.DUMP, reason));
                session.err().println("Warning: database dump skipped: " + reason);
            });
        }
        if (type != Type.POSTGRESQL) {
            // JSON, as the manifest's file name says, so a backup stays readable without Caracal.
            Bundles.export(session, partial.resolve(Manifest.BUNDLE), LedgerBundleWriter.Format.JSON, null, null);
        }
        return manifest(partial, id, now, session.bean(SchemaMigrator.class).status().currentVersion(), skipped);
    }

    private Manifest manifest(Path partial, String id, Instant now, String schemaVersion, List<Manifest.Skipped> skipped) throws IOException {
        List<Manifest.FileEntry> files = new ArrayList<>();
        for (String name : Manifest.FILES) {
            Path file = partial.resolve(name);
            if (Files.exists(file)) {
                files.add(new Manifest.FileEntry(name, Files.size(file), Backups.sha256(file)));
            }
        }
        return new Manifest(id, now.toString(), type.name().toLowerCase(), tag, schemaVersion, files, skipped);
    }

    /** Dumps the database to {@code file}; returns why it could not when pg_dump is missing or older than the server. */
    private Optional<String> dump(Path file) {
        Optional<Path> pgDump = PgTools.locate(session.env(), "PG_DUMP", "pg_dump");
        if (pgDump.isEmpty()) {
            return Optional.of(session.env().containsKey("PG_DUMP") ? "PG_DUMP=" + session.env().get("PG_DUMP") + " is not an executable file"
                    : "pg_dump is not on the PATH (install the PostgreSQL client or set PG_DUMP)");
        }
        Server server = server();
        Optional<String> unusable = PgTools.unusableFor(pgDump.get(), server.major());
        if (unusable.isPresent()) {
            return unusable;
        }
        ConnectionSettings settings = session.connectionSettings();
        PgTools.Run run = PgTools.run(List.of(pgDump.get().toString(), "--format=custom", "--no-password", "--file=" + file,
                "--host=" + (settings.embedded() ? "localhost" : settings.host()), "--port=" + server.port(), "--username=" + server.user(),
                "--dbname=" + server.database()), Map.of("PGPASSWORD", settings.password() == null ? "" : settings.password()));
        if (run.exitCode() != 0) {
            throw new InvalidInputException("pg_dump failed: " + run.firstLine());
        }
        return Optional.empty();
    }

    /** The server as the session's own connection sees it (the local embedded database has no configured host or port). */
    private record Server(int major, int port, String user, String database) {
    }

    private Server server() {
        return session.bean(Database.class).transaction(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT current_setting('server_version_num')::int / 10000, inet_server_port(), current_user, current_database()")) {
                rs.next();
                return new Server(rs.getInt(1), rs.getInt(2), rs.getString(3), rs.getString(4));
            }
        });
    }

    private static void delete(Path partial) {
        if (!Files.exists(partial)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(partial)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the unfinished backup " + partial, e);
        }
    }
}
