package io.caracal.cli.dlq;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.cli.Times;
import io.caracal.core.error.Ids;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.event.Topics;
import io.caracal.core.pipeline.DeadLetter;
import io.caracal.core.pipeline.DeadLetterReader;
import io.caracal.core.pipeline.DlqRetryStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Inspect the dead-letter queue (" + Topics.DLQ + ") and send dead letters back to their topics."
                + " Reading commits nothing, so it never moves a consumer group.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Get.class, DlqCommand.Retry.class})
public final class DlqCommand {

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record LetterView(String dlqId, String eventId, String sourceTopic, int originalPartition, long originalOffset, String errorType,
                             String errorMessage, int retryCount, String consumerGroup, String failedAt) {
        static LetterView of(DeadLetter d) {
            return new LetterView(d.dlqId().toString(), d.eventId(), d.original().topic(), d.original().partition(), d.original().offset(),
                    d.errorType(), d.errorMessage(), d.retryCount(), d.consumerGroup(), d.failedAt().toString());
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record LettersView(int total, int shown, List<LetterView> events) {
    }

    /** The queue's contents; records that are not dead letters are named on stderr, not fatal to the listing. */
    private static List<DeadLetter> read(CliSession session) {
        DeadLetterReader.Contents contents = DeadLetterReader.read(session.kafkaConnection());
        contents.unreadable().forEach(r -> session.err().println("Warning: skipped an unreadable record at " + r));
        return contents.letters();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Dead letters, oldest first, optionally filtered.")
    static final class ListLetters extends SessionCommand {
        @Option(names = "--start-time", paramLabel = "TIME", description = "Only those that failed at or after this time: " + Times.FORMS + ".")
        String startTime;

        @Option(names = "--error-type", description = "Only those with this error type, e.g. PolicyEvaluationError.")
        String errorType;

        @Option(names = "--limit", defaultValue = "100", description = "Show at most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        ListLetters(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            requireLimit(limit);
            Instant start = Times.parseOptional("start-time", startTime, session.clock().instant());
            Predicate<DeadLetter> wanted = d -> (start == null || !d.failedAt().isBefore(start))
                    && (errorType == null || errorType.equals(d.errorType()));
            List<DeadLetter> matching = read(session).stream().filter(wanted).toList();
            List<LetterView> shown = matching.stream().limit(limit).map(LetterView::of).toList();
            print(new LettersView(matching.size(), shown.size(), shown), () -> {
                out().println("Dead Letter Queue Events:");
                out().println("  Total: " + matching.size() + (shown.size() < matching.size() ? " (showing " + shown.size() + ")" : ""));
                if (!shown.isEmpty()) {
                    Table table = new Table("DLQ ID", "EVENT ID", "FAILED AT", "SOURCE TOPIC", "ERROR TYPE", "RETRIES", "CONSUMER GROUP");
                    shown.forEach(l -> table.row(l.dlqId(), l.eventId(), time(Instant.parse(l.failedAt())), l.sourceTopic(), l.errorType(),
                            l.retryCount(), l.consumerGroup()));
                    table.print(out());
                }
            });
        }
    }

    /** Which dead letters a command is about: those of one event (one per consumer group that failed it) or one by its id. */
    static final class Selection {
        @Option(names = "--event-id", description = "The event's id (its dead letters from every consumer group).")
        String eventId;

        @Option(names = "--dlq-id", description = "One dead letter, by its DLQ id (also for records without an event id).")
        String dlqId;

        List<DeadLetter> select(List<DeadLetter> letters) {
            if (dlqId != null) {
                UUID id = Ids.parse("dlq id", dlqId);
                List<DeadLetter> found = letters.stream().filter(d -> d.dlqId().equals(id)).toList();
                if (found.isEmpty()) {
                    throw new NotFoundException("dead letter", id);
                }
                return found;
            }
            if (eventId == null || eventId.isBlank()) {
                throw new InvalidInputException("event id is required");
            }
            List<DeadLetter> found = letters.stream().filter(d -> eventId.trim().equals(d.eventId())).toList();
            if (found.isEmpty()) {
                throw new NotFoundException("dead letter for event", eventId);
            }
            return found;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Everything about one event's dead letters: source topic and position, error, retries, consumer group.")
    static final class Get extends SessionCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Selection selection;

        Get(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            List<LetterView> letters = selection.select(read(session)).stream().map(LetterView::of).toList();
            print(new LettersView(letters.size(), letters.size(), letters), () -> {
                out().println("Dead Letter Queue Events:");
                out().println("  Total: " + letters.size());
                for (LetterView l : letters) {
                    out().println();
                    field("Event ID", l.eventId() == null ? "(none)" : l.eventId());
                    field("Source Topic", l.sourceTopic());
                    field("Error Type", l.errorType());
                    field("Error Message", l.errorMessage());
                    field("Retry Count", l.retryCount());
                    field("Failed At", l.failedAt());
                    field("Consumer Group", l.consumerGroup());
                    field("Original Partition", l.originalPartition());
                    field("Original Offset", l.originalOffset());
                    field("DLQ ID", l.dlqId());
                }
            });
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record RetryView(String dlqId, String eventId, String topic, String status, String sentTo) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record RetriesView(int sent, int alreadyRetried, List<RetryView> retries) {
    }

    /** Exactly one of an event, a dead letter or everything. */
    static final class RetryTarget {
        @ArgGroup(exclusive = true)
        Selection one;

        @Option(names = "--all", required = true, description = "Every dead letter not retried before at its retry count.")
        boolean all;
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Send dead letters' original records (same key, value and headers) back to their original topics, acknowledged by"
                    + " all in-sync replicas, for the consumer group that failed each: the other groups skip it. A record that fails"
                    + " again updates its dead letter (retry count + 1) instead of adding one. Each dead letter is sent once per retry"
                    + " count: retries are remembered in the database.")
    static final class Retry extends SessionCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        RetryTarget target;

        Retry(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            List<DeadLetter> letters = read(session);
            List<DeadLetter> chosen = target.all ? letters : target.one.select(letters);
            DlqRetryStore retries = session.bean(DlqRetryStore.class);
            List<RetryView> results = new ArrayList<>();
            try (DeadLetterQueue.Resender resender = new DeadLetterQueue(session.kafkaConnection()).new Resender()) {
                for (DeadLetter letter : chosen) {
                    String[] sentTo = new String[1];
                    boolean sent = retries.retryOnce(letter.dlqId(), letter.retryCount(), eventUuid(letter), () -> sentTo[0] = resender.resend(letter));
                    results.add(new RetryView(letter.dlqId().toString(), letter.eventId(), letter.original().topic(),
                            sent ? "sent" : "already retried", sentTo[0]));
                }
            }
            int sent = (int) results.stream().filter(r -> r.sentTo() != null).count();
            print(new RetriesView(sent, results.size() - sent, results), () -> {
                out().println("Dead letters retried: " + sent + " sent, " + (results.size() - sent) + " already retried before");
                if (!results.isEmpty()) {
                    Table table = new Table("DLQ ID", "EVENT ID", "STATUS", "SENT TO");
                    results.forEach(r -> table.row(r.dlqId(), r.eventId(), r.status(), r.sentTo()));
                    table.print(out());
                }
            });
        }

        /** dlq_retries keeps the event id as a UUID; a record whose id was not one is still retried, by its DLQ id. */
        private static UUID eventUuid(DeadLetter letter) {
            try {
                return letter.eventId() == null ? null : UUID.fromString(letter.eventId());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
