package io.caracal.cli.kafka;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.event.KafkaTopics;
import io.caracal.core.event.Topics;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Create and inspect Caracal's Kafka topics, brokers and consumer lag, and rotate its SCRAM password.%n"
                + "Kafka: KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,"
                + " KAFKA_SSL_TRUSTSTORE_LOCATION, KAFKA_SSL_TRUSTSTORE_PASSWORD (or a running `caracal dev`).",
        subcommands = {KafkaCommand.CreateTopics.class, KafkaCommand.ListTopics.class, KafkaCommand.DescribeTopic.class,
                KafkaCommand.ConsumerLag.class, KafkaCommand.ListBrokers.class, KafkaRotateCredentialsCommand.class})
public final class KafkaCommand {
    /** The topic settings worth seeing when diagnosing lag or durability. */
    private static final List<String> NOTABLE_CONFIGS = List.of("retention.ms", "min.insync.replicas", "cleanup.policy", "compression.type");

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record TopicResultView(String topic, String status) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record CreateTopicsView(int partitions, Integer replicationFactor, Integer minInsyncReplicas, Long retentionMs, boolean dryRun,
                                   List<TopicResultView> topics) {
    }

    @Command(name = "create-topics", mixinStandardHelpOptions = true,
            description = "Create Caracal's topics (" + Topics.METERING + ", " + Topics.POLICY_DECISIONS + ", " + Topics.AGENT_LIFECYCLE + ", "
                    + Topics.POLICY_CHANGES + ", " + Topics.DLQ + ") where missing. Existing topics are left as they are, so it is"
                    + " safe to run again. Without --replication-factor the broker's default.replication.factor applies (3 on"
                    + " MSK, 1 on a single development broker).")
    static final class CreateTopics extends SessionCommand {
        @Option(names = "--partitions", description = "Partitions per topic (default: $KAFKA_PARTITIONS, or 3).")
        Integer partitions;

        // No default of our own: a fixed 1 left every topic on a three-broker production cluster without a replica.
        @Option(names = "--replication-factor", description = "Replicas per partition (default: the broker's default.replication.factor).")
        Integer replicationFactor;

        @Option(names = "--min-insync-replicas", description = "min.insync.replicas of the new topics, with --replication-factor (default: the broker's).")
        Integer minInsyncReplicas;

        @Option(names = "--retention-ms", description = "retention.ms of the new topics, -1 for no limit (default: the broker's).")
        Long retentionMs;

        @Option(names = "--dry-run", description = "Only show which topics would be created.")
        boolean dryRun;

        CreateTopics(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            int count = partitions != null ? partitions : defaultPartitions();
            validate(count);
            KafkaTopics.Spec spec = new KafkaTopics.Spec(count, replicationFactor == null ? null : replicationFactor.shortValue(), minInsyncReplicas,
                    retentionMs);
            List<TopicResultView> results = new ArrayList<>();
            try (KafkaAdmin kafka = new KafkaAdmin(session.kafkaConnection())) {
                if (dryRun) {
                    List<String> missing = KafkaTopics.missing(kafka.admin(), Topics.ALL);
                    Topics.ALL.forEach(t -> results.add(new TopicResultView(t, missing.contains(t) ? "would be created" : "exists")));
                } else {
                    KafkaTopics.ensure(kafka.admin(), Topics.ALL, spec)
                            .forEach(o -> results.add(new TopicResultView(o.topic(), o.created() ? "created" : "exists")));
                }
            }
            print(new CreateTopicsView(count, replicationFactor, minInsyncReplicas, retentionMs, dryRun, results), () -> {
                out().println(dryRun ? "Kafka topics (dry run, nothing created):" : "Kafka topics:");
                Table table = new Table("TOPIC", "STATUS");
                results.forEach(r -> table.row(r.topic(), r.status()));
                table.print(out());
                out().println("New topics: " + count + " partition(s), replication factor "
                        + (replicationFactor == null ? "the broker's default" : replicationFactor)
                        + (minInsyncReplicas == null ? "" : ", min.insync.replicas " + minInsyncReplicas)
                        + (retentionMs == null ? "" : ", retention.ms " + retentionMs));
            });
        }

        private int defaultPartitions() {
            String configured = session.env().get("KAFKA_PARTITIONS");
            if (configured == null || configured.isBlank()) {
                return 3;
            }
            try {
                return Integer.parseInt(configured.trim());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("KAFKA_PARTITIONS must be a whole number, got '" + configured + "'");
            }
        }

        private void validate(int count) {
            if (count < 1) {
                throw new InvalidInputException("partitions must be at least 1, got " + count);
            }
            if (replicationFactor != null && (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE)) {
                throw new InvalidInputException("replication-factor must be between 1 and " + Short.MAX_VALUE + ", got " + replicationFactor);
            }
            if (minInsyncReplicas != null && replicationFactor == null) {
                // Checked against each other here, since the broker takes a min.insync.replicas above the replication
                // factor and every acks=all write to the topic then fails.
                throw new InvalidInputException("min-insync-replicas needs --replication-factor, so the two can be checked together");
            }
            if (minInsyncReplicas != null && (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor)) {
                throw new InvalidInputException("min-insync-replicas must be between 1 and the replication factor (" + replicationFactor
                        + "), got " + minInsyncReplicas);
            }
            if (retentionMs != null && retentionMs < -1) {
                throw new InvalidInputException("retention-ms must be -1 (no limit) or positive, got " + retentionMs);
            }
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record TopicSummaryView(String topic, int partitions, int replicationFactor) {
    }

    @Command(name = "list-topics", mixinStandardHelpOptions = true, description = "Every topic on the cluster, with partitions and replicas.")
    static final class ListTopics extends SessionCommand {
        ListTopics(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            List<TopicSummaryView> topics;
            try (KafkaAdmin kafka = new KafkaAdmin(session.kafkaConnection())) {
                List<String> names = kafka.topicNames();
                topics = names.stream().map(kafka::describe).map(d -> new TopicSummaryView(d.name(), d.partitions().size(),
                        d.partitions().get(0).replicas().size())).toList();
            }
            print(topics, () -> {
                Table table = new Table("TOPIC", "PARTITIONS", "REPLICATION");
                topics.forEach(t -> table.row(t.topic(), t.partitions(), t.replicationFactor()));
                table.print(out());
            });
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record PartitionView(int partition, Integer leader, List<Integer> replicas, List<Integer> isr, long endOffset) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record TopicView(String topic, String topicId, int partitions, long endOffsetTotal, Map<String, String> configs, List<PartitionView> partitionDetails) {
    }

    @Command(name = "describe-topic", mixinStandardHelpOptions = true,
            description = "A topic's partitions (leader, replicas, in-sync replicas, end offset) and its retention, min ISR, cleanup and compression.")
    static final class DescribeTopic extends SessionCommand {
        @Option(names = "--topic", required = true, description = "The topic, e.g. " + Topics.METERING + ".")
        String topic;

        DescribeTopic(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            TopicView view;
            try (KafkaAdmin kafka = new KafkaAdmin(session.kafkaConnection())) {
                TopicDescription description = kafka.describe(topic);
                Config config = kafka.config(topic);
                List<TopicPartition> partitions = description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                Map<TopicPartition, Long> ends = kafka.endOffsets(partitions);
                Map<String, String> configs = new LinkedHashMap<>();
                for (String name : NOTABLE_CONFIGS) {
                    ConfigEntry entry = config.get(name);
                    if (entry != null) {
                        configs.put(name, entry.value());
                    }
                }
                List<PartitionView> details = description.partitions().stream().map(p -> partition(p, ends.get(new TopicPartition(topic, p.partition()))))
                        .toList();
                view = new TopicView(topic, description.topicId().toString(), details.size(), ends.values().stream().mapToLong(Long::longValue).sum(),
                        configs, details);
            }
            print(view, () -> {
                out().println("Topic: " + view.topic());
                field("Topic ID", view.topicId());
                field("Partitions", view.partitions());
                field("End Offset Total", view.endOffsetTotal());
                view.configs().forEach(this::field);
                Table table = new Table("PARTITION", "LEADER", "REPLICAS", "ISR", "END OFFSET");
                view.partitionDetails().forEach(p -> table.row(p.partition(), p.leader() == null ? "none" : p.leader(), ids(p.replicas()),
                        ids(p.isr()), p.endOffset()));
                table.print(out());
            });
        }

        private static PartitionView partition(TopicPartitionInfo info, Long end) {
            return new PartitionView(info.partition(), info.leader() == null ? null : info.leader().id(),
                    info.replicas().stream().map(Node::id).toList(), info.isr().stream().map(Node::id).toList(), end == null ? 0 : end);
        }

        private static String ids(List<Integer> ids) {
            return String.join(",", ids.stream().map(String::valueOf).toList());
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record LagView(String topic, int partition, long committedOffset, long endOffset, long lag) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record GroupLagView(String consumerGroup, long totalLag, List<LagView> partitions) {
    }

    @Command(name = "consumer-lag", mixinStandardHelpOptions = true,
            description = "For each partition a consumer group has committed on: committed offset, end offset and lag, and the total lag.")
    static final class ConsumerLag extends SessionCommand {
        @Option(names = "--consumer-group", required = true, description = "e.g. ledger-writer-group, metrics-aggregator-group, audit-logger-group.")
        String group;

        ConsumerLag(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            List<LagView> lags = new ArrayList<>();
            try (KafkaAdmin kafka = new KafkaAdmin(session.kafkaConnection())) {
                Map<TopicPartition, Long> committed = kafka.committed(group);
                if (committed.isEmpty()) {
                    throw new NotFoundException("committed offsets of consumer group", group);
                }
                Map<TopicPartition, Long> ends = kafka.endOffsets(committed.keySet());
                committed.forEach((p, offset) -> {
                    long end = ends.getOrDefault(p, offset);
                    lags.add(new LagView(p.topic(), p.partition(), offset, end, Math.max(0, end - offset)));
                });
            }
            long total = lags.stream().mapToLong(LagView::lag).sum();
            print(new GroupLagView(group, total, lags), () -> {
                out().println("Consumer group: " + group);
                Table table = new Table("TOPIC", "PARTITION", "COMMITTED", "END OFFSET", "LAG");
                lags.forEach(l -> table.row(l.topic(), l.partition(), l.committedOffset(), l.endOffset(), l.lag()));
                table.print(out());
                out().println("Total lag: " + total);
            });
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record BrokerView(int id, String host, int port, String rack, boolean controller) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record ClusterView(String clusterId, List<BrokerView> brokers) {
    }

    @Command(name = "list-brokers", mixinStandardHelpOptions = true, description = "The cluster's brokers, and which one is the controller.")
    static final class ListBrokers extends SessionCommand {
        ListBrokers(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            ClusterView view;
            try (KafkaAdmin kafka = new KafkaAdmin(session.kafkaConnection())) {
                KafkaAdmin.Cluster cluster = kafka.cluster();
                int controller = cluster.controller() == null ? -1 : cluster.controller().id();
                view = new ClusterView(cluster.clusterId(), cluster.nodes().stream()
                        .map(n -> new BrokerView(n.id(), n.host(), n.port(), n.rack(), n.id() == controller))
                        .sorted(java.util.Comparator.comparingInt(BrokerView::id)).toList());
            }
            print(view, () -> {
                out().println("Cluster: " + view.clusterId());
                Table table = new Table("ID", "HOST", "PORT", "RACK", "CONTROLLER");
                view.brokers().forEach(b -> table.row(b.id(), b.host(), b.port(), b.rack(), b.controller() ? "yes" : ""));
                table.print(out());
            });
        }
    }
}
