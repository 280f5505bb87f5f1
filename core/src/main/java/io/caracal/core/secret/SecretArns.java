package io.caracal.core.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Secrets given to a process by reference: each {@code X_SECRET_ARN} environment variable names an AWS Secrets
 * Manager secret, read once at start-up, whose value becomes the configuration {@code X} would give. A Lambda
 * function has no secret files and should not carry secret values in its configuration; the containers may use
 * these names too. Keys become files, because the code reads every key from a file: each is written to a 0600
 * file in a 0700 directory under the temporary directory ({@code /tmp} in Lambda, which only the function's
 * environment sees), and {@code X_PATH} names it.
 *
 * <p>No value reaches a message: a failure names the variable and the secret's name, never what was read.
 */
public final class SecretArns {
    /** What a secret's value becomes. */
    enum Form {
        /** the value, as it is */
        TEXT,
        /** the {@code password} of the JSON RDS keeps in the secret it manages ({@code username}, {@code password}, ...) */
        RDS_PASSWORD,
        /** a file holding the value (a PEM key), whose path is the setting */
        FILE
    }

    /** An {@code X_SECRET_ARN} variable and the variable whose setting its secret gives. */
    record Reference(String arnVariable, String variable, Form form) {
    }

    static final List<Reference> REFERENCES = List.of(
            new Reference("DB_PASSWORD_SECRET_ARN", "DB_PASSWORD", Form.RDS_PASSWORD),
            new Reference("REDIS_PASSWORD_SECRET_ARN", "REDIS_PASSWORD", Form.TEXT),
            new Reference("JWT_PUBLIC_KEY_SECRET_ARN", "JWT_PUBLIC_KEY_PATH", Form.FILE),
            new Reference("RECEIPT_SIGNING_KEY_SECRET_ARN", "RECEIPT_SIGNING_KEY_PATH", Form.FILE),
            new Reference("MERKLE_SIGNING_KEY_SECRET_ARN", "MERKLE_SIGNING_KEY_PATH", Form.FILE));

    private static final ObjectMapper JSON = new ObjectMapper();

    private SecretArns() {
    }

    /** The process's secrets, read from AWS Secrets Manager as its environment variables name them. */
    public static Map<String, Object> fromEnvironment() {
        return fromSecretsManager(System.getenv());
    }

    /**
     * The secrets {@code environment} names, read from AWS Secrets Manager with the SDK's default region, credentials
     * and endpoint (AWS_REGION, the function's role, AWS_ENDPOINT_URL_SECRETS_MANAGER or their system properties).
     * No client is made when no {@code X_SECRET_ARN} is set.
     */
    public static Map<String, Object> fromSecretsManager(Map<String, String> environment) {
        if (REFERENCES.stream().noneMatch(r -> isSet(environment.get(r.arnVariable())))) {
            return Map.of();
        }
        try (SecretsManager secretsManager = SecretsManager.fromDefaults()) {
            return resolve(environment, secretsManager::secretString);
        }
    }

    /**
     * The settings of every {@code X_SECRET_ARN} set in {@code environment}, each secret read by {@code read} (ARN to
     * value), under the environment variables' names, so they take the place of those variables
     * (the functions' launcher gives them to a context as a property source). Throws
     * {@link IllegalStateException} naming the variable when a secret cannot be read or has not the expected form.
     */
    static Map<String, Object> resolve(Map<String, String> environment, Function<String, String> read) {
        Map<String, Object> settings = new LinkedHashMap<>();
        Path directory = null;
        for (Reference reference : REFERENCES) {
            String arn = environment.get(reference.arnVariable());
            if (!isSet(arn)) {
                continue;
            }
            String value;
            try {
                value = read.apply(arn);
            } catch (SecretsManager.ReadFailure e) {
                throw new IllegalStateException(reference.arnVariable() + ": " + e.getMessage());
            }
            switch (reference.form()) {
                case TEXT -> settings.put(reference.variable(), value);
                case RDS_PASSWORD -> settings.put(reference.variable(), rdsPassword(reference, arn, value));
                case FILE -> {
                    directory = directory == null ? privateDirectory() : directory;
                    settings.put(reference.variable(), privateFile(directory, reference, value).toString());
                }
            }
        }
        return settings;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static String rdsPassword(Reference reference, String arn, String value) {
        JsonNode password;
        try {
            password = JSON.readTree(value).get("password");
        } catch (IOException e) {
            // The parser's message quotes the text it read: it is left out.
            password = null;
        }
        if (password == null || !password.isTextual()) {
            throw new IllegalStateException(reference.arnVariable() + ": secret " + SecretsManager.name(arn)
                    + " is not the JSON RDS keeps (an object with a \"password\" string)");
        }
        return password.asText();
    }

    private static Path privateDirectory() {
        try {
            Path directory = Files.createTempDirectory("caracal-secrets", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            directory.toFile().deleteOnExit();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a private directory for the secrets' files", e);
        }
    }

    private static Path privateFile(Path directory, Reference reference, String value) {
        String name = reference.arnVariable().substring(0, reference.arnVariable().length() - "_SECRET_ARN".length()).toLowerCase(Locale.ROOT) + ".pem";
        Path file = directory.resolve(name);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            Files.writeString(file, value, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + reference.variable() + " " + file, e);
        }
    }
}
