package io.caracal.cli.kafka;

import io.caracal.core.error.KafkaFailureException;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.event.KafkaTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The admin calls the kafka, dlq and replay commands make, each waiting with a deadline and failing as one line
 * an operator can act on (an unknown topic is "not found", an unreachable broker says where it looked).
 */
public final class KafkaAdmin implements AutoCloseable {
    /** Twice Kafka's minimum for SCRAM-SHA-256/512. */
    private static final int SCRAM_ITERATIONS = 8192;
    private final Admin admin;
    private final KafkaConnection connection;

    public KafkaAdmin(KafkaConnection connection) {
        this.connection = connection;
        Map<String, Object> config = new HashMap<>(connection.clientProperties());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        this.admin = Admin.create(config);
    }

    public Admin admin() {
        return admin;
    }

    /** User topics, sorted. */
    public List<String> topicNames() {
        return List.copyOf(new TreeSet<>(call(() -> admin.listTopics().names())));
    }

    public TopicDescription describe(String topic) {
        return call(() -> admin.describeTopics(List.of(topic)).allTopicNames(), List.of(topic)).get(topic);
    }

    /** Every partition of {@code topics}, in topic then partition order. */
    public List<TopicPartition> partitions(Collection<String> topics) {
        Map<String, TopicDescription> descriptions = call(() -> admin.describeTopics(topics).allTopicNames(), topics);
        return topics.stream().flatMap(t -> descriptions.get(t).partitions().stream().map(p -> new TopicPartition(t, p.partition()))).toList();
    }

    public Config config(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return call(() -> admin.describeConfigs(List.of(resource)).all(), List.of(topic)).get(resource);
    }

    /** The next offset to be written on each partition. */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return offsets(partitions, OffsetSpec.latest());
    }

    /** The first offset still on each partition (older records were deleted by retention). */
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return offsets(partitions, OffsetSpec.earliest());
    }

    /** The first offset with a timestamp at or after {@code epochMillis}, or -1 where no record is that recent. */
    public Map<TopicPartition, Long> offsetsForTime(Collection<TopicPartition> partitions, long epochMillis) {
        return offsets(partitions, OffsetSpec.forTimestamp(epochMillis));
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = call(() -> admin.listOffsets(request).all());
        Map<TopicPartition, Long> offsets = new TreeMap<>(KafkaAdmin::compare);
        result.forEach((p, info) -> offsets.put(p, info.offset()));
        return offsets;
    }

    /** The group's committed offsets (empty for a group that never committed). */
    public Map<TopicPartition, Long> committed(String group) {
        Map<TopicPartition, OffsetAndMetadata> committed = call(() -> admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> offsets = new TreeMap<>(KafkaAdmin::compare);
        committed.forEach((p, o) -> {
            if (o != null) {
                offsets.put(p, o.offset());
            }
        });
        return offsets;
    }

    /** How many consumers are in the group right now. */
    public int activeMembers(String group) {
        try {
            ConsumerGroupDescription description = call(() -> admin.describeConsumerGroups(List.of(group)).all()).get(group);
            return description.members().size();
        } catch (KafkaFailureException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw e;
        }
    }

    public void alterOffsets(String group, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> request = new HashMap<>();
        offsets.forEach((p, o) -> request.put(p, new OffsetAndMetadata(o)));
        call(() -> admin.alterConsumerGroupOffsets(group, request).all());
    }

    /** Sets {@code user}'s SCRAM credential for {@code mechanism} (created if the user had none); returns the mechanisms it now has. */
    public List<String> upsertScram(String user, ScramMechanism mechanism, String password) {
        call(() -> admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(mechanism, SCRAM_ITERATIONS), password))).all());
        return call(() -> admin.describeUserScramCredentials(List.of(user)).all()).get(user).credentialInfos().stream()
                .map(info -> info.mechanism().mechanismName() + " (" + info.iterations() + " iterations)").toList();
    }

    public record Cluster(String clusterId, Node controller, Collection<Node> nodes) {
    }

    public Cluster cluster() {
        DescribeClusterResult result = admin.describeCluster();
        return new Cluster(call(result::clusterId), call(result::controller), call(result::nodes));
    }

    /** Orders partitions by topic, then number: how every command lists them. */
    public static int compare(TopicPartition a, TopicPartition b) {
        int byTopic = a.topic().compareTo(b.topic());
        return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
    }

    private <T> T call(Supplier<KafkaFuture<T>> request) {
        return call(request, List.of());
    }

    /** Kafka's own message for an unknown topic does not say which; {@code topics} does. */
    private <T> T call(Supplier<KafkaFuture<T>> request, Collection<String> topics) {
        try {
            return KafkaTopics.await(request.get());
        } catch (KafkaFailureException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new NotFoundException(topics.size() == 1 ? "topic" : "one of the topics", String.join(", ", topics));
            }
            throw new KafkaFailureException("Kafka at " + connection + ": " + e.getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
