package io.caracal.core.agent;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * An edit to an agent; an empty field is left as it is. Moving an agent under a new parent is allowed
 * only where it creates no cycle, which the store checks against the stored tree.
 */
public record AgentChange(Optional<String> description, Optional<String> owner, Optional<UUID> parentId,
                          boolean clearParent, Optional<Map<String, String>> metadata) {
    public AgentChange {
        description = description.map(d -> AgentDraft.Text.optional("description", d, 2000));
        owner = owner.map(o -> AgentDraft.Text.required("owner", o, 255));
        metadata = metadata.map(AgentMetadata::validated);
        if (clearParent && parentId.isPresent()) {
            throw new io.caracal.core.error.InvalidInputException("give a new parent or clear it, not both");
        }
    }

    public boolean isEmpty() {
        return description.isEmpty() && owner.isEmpty() && parentId.isEmpty() && !clearParent && metadata.isEmpty();
    }
}
