package io.caracal.cli.kafka;

import io.caracal.cli.CliSession;
import io.caracal.cli.NewPasswordOption;
import io.caracal.cli.SessionCommand;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.event.KafkaConnection;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import org.apache.kafka.clients.admin.ScramMechanism;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "rotate-credentials", mixinStandardHelpOptions = true,
        description = "Give Caracal's SASL/SCRAM user (default: $KAFKA_SASL_USERNAME) a new random password on the cluster, through the"
                + " Kafka admin API (alterUserScramCredentials, as kafka-configs --alter --add-config SCRAM-... does). Sessions already"
                + " open stay authenticated; then set KAFKA_SASL_PASSWORD in every function's secret and restart them. With MSK IAM"
                + " (KAFKA_SASL_MECHANISM=AWS_MSK_IAM) there is no Kafka password: access follows the IAM role's short-lived"
                + " credentials, and the command says so and changes nothing. Amazon MSK keeps SCRAM users in Secrets Manager, not in"
                + " the cluster: rotate those there.")
final class KafkaRotateCredentialsCommand extends SessionCommand {
    @Option(names = "--username", paramLabel = "USER", description = "The SCRAM user (default: $KAFKA_SASL_USERNAME).")
    String username;

    @Option(names = "--mechanism", paramLabel = "MECHANISM",
            description = "SCRAM-SHA-256 or SCRAM-SHA-512 (default: $KAFKA_SASL_MECHANISM when it is one of them, else SCRAM-SHA-512).")
    String mechanism;

    @Mixin
    NewPasswordOption password;

    KafkaRotateCredentialsCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record RotatedView(boolean rotated, String username, String mechanism, List<String> credentials, String password, String passwordFile,
                       String note) {
    }

    @Override
    protected void run() {
        KafkaConnection connection = session.kafkaConnection();
        if (KafkaConnection.MSK_IAM.equals(connection.saslMechanism())) {
            String note = "Kafka authentication is MSK IAM: there is no Kafka password to rotate. Access follows the IAM role's"
                    + " short-lived credentials; to cut off a leaked role, change its policy or trust in AWS.";
            print(new RotatedView(false, null, KafkaConnection.MSK_IAM, List.of(), null, null, note), () -> out().println(note));
            return;
        }
        String user = username != null ? username : connection.username();
        if (user == null || user.isBlank()) {
            throw new InvalidInputException("no SCRAM user to rotate: give --username or set KAFKA_SASL_USERNAME");
        }
        ScramMechanism scram = mechanism(connection);
        String secret = password.generate();
        password.save(secret);
        List<String> credentials;
        try (KafkaAdmin kafka = new KafkaAdmin(connection)) {
            credentials = kafka.upsertScram(user, scram, secret);
        }
        RotatedView view = new RotatedView(true, user, scram.mechanismName(), credentials, password.shown(secret), password.file(), null);
        print(view, () -> {
            out().println("Kafka credentials rotated:");
            field("User", user);
            field("Mechanism", scram.mechanismName());
            field("Credentials on the cluster", String.join(", ", credentials));
            field("New Password", password.where());
            if (view.password() != null) {
                out().println(view.password());
            }
            out().println("Next: set KAFKA_SASL_PASSWORD to it in the functions' secret and restart them.");
        });
    }

    private ScramMechanism mechanism(KafkaConnection connection) {
        String name = mechanism != null ? mechanism.trim().toUpperCase(java.util.Locale.ROOT)
                : connection.saslMechanism() != null && connection.saslMechanism().startsWith("SCRAM-") ? connection.saslMechanism() : "SCRAM-SHA-512";
        ScramMechanism scram = ScramMechanism.fromMechanismName(name);
        if (scram == ScramMechanism.UNKNOWN) {
            throw new InvalidInputException("mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512, got '" + mechanism + "'");
        }
        return scram;
    }
}
