package io.caracal.core.event;

import io.caracal.core.error.KafkaFailureException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates Caracal's topics when they are missing: the one way both {@code caracal kafka create-topics} and the
 * gateway's outbox relay do it. Existing topics are left exactly as they are, so running it again is harmless.
 */
public final class KafkaTopics {
    private static final long TIMEOUT_SECONDS = 15;

    private KafkaTopics() {
    }

    /**
     * How new topics are made. A null replication factor, min ISR or retention leaves the broker's default, which
     * is what the relay wants: on MSK the cluster's own defaults (replication 3, min ISR 2) are the right ones.
     */
    public record Spec(int partitions, Short replicationFactor, Integer minInsyncReplicas, Long retentionMs) {
        public Spec {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1");
            }
        }

        public static Spec partitions(int partitions) {
            return new Spec(partitions, null, null, null);
        }

        NewTopic newTopic(String name) {
            Map<String, String> configs = new HashMap<>();
            if (minInsyncReplicas != null) {
                configs.put("min.insync.replicas", minInsyncReplicas.toString());
            }
            if (retentionMs != null) {
                configs.put("retention.ms", retentionMs.toString());
            }
            return new NewTopic(name, Optional.of(partitions), Optional.ofNullable(replicationFactor)).configs(configs);
        }
    }

    /** What happened to one topic: created now, or already there. */
    public record Outcome(String topic, boolean created) {
    }

    /** The topics of {@code wanted} that do not exist yet (what a dry run would create). */
    public static List<String> missing(Admin admin, List<String> wanted) {
        Set<String> existing = await(admin.listTopics().names());
        return wanted.stream().filter(t -> !existing.contains(t)).toList();
    }

    /** Creates the missing topics of {@code wanted}; one created concurrently by someone else counts as existing. */
    public static List<Outcome> ensure(Admin admin, List<String> wanted, Spec spec) {
        List<String> missing = missing(admin, wanted);
        Map<String, KafkaFuture<Void>> creations = missing.isEmpty() ? Map.of()
                : admin.createTopics(missing.stream().map(spec::newTopic).toList()).values();
        List<Outcome> outcomes = new ArrayList<>();
        for (String topic : wanted) {
            boolean created = false;
            if (creations.containsKey(topic)) {
                try {
                    await(creations.get(topic));
                    created = true;
                } catch (KafkaFailureException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new KafkaFailureException("cannot create topic " + topic + ": " + e.getMessage(), e.getCause());
                    }
                }
            }
            outcomes.add(new Outcome(topic, created));
        }
        return outcomes;
    }

    /** Waits for an admin call, turning its failure into one {@link KafkaFailureException} whose cause is Kafka's error. */
    public static <T> T await(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new KafkaFailureException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaFailureException("Kafka did not answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaFailureException("interrupted while waiting for Kafka", e);
        }
    }
}
