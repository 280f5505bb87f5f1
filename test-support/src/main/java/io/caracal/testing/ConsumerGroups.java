package io.caracal.testing;

import io.caracal.embedded.SharedServices;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the shared Kafka broker knows of a consumer group: whether a consumer in another process has joined it. */
public final class ConsumerGroups {
    private ConsumerGroups() {
    }

    /** How many consumers are members of {@code group} now (0 for a group nobody has joined). */
    public static int members(String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedServices.kafka().bootstrapServers()))) {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS).members().size();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not describe consumer group " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
