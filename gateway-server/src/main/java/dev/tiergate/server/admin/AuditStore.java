package dev.tiergate.server.admin;

import java.util.List;

/** Where replicas share their audit entries (Redis), so a query on any of them sees all. */
public interface AuditStore {
    void append(AuditEntry entry);

    /** The newest {@code max} entries, newest first. */
    List<AuditEntry> recent(int max);
}
