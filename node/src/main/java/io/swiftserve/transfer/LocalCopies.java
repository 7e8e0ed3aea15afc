package io.swiftserve.transfer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the rest of the node sees of the share directory's local side: the policy for local edits,
 * the changes found, files the network does not have, and the versions store.
 */
public final class LocalCopies {
    private final LocalChanges changes;
    private final Versions versions;
    private final Path shareDir;

    LocalCopies(LocalChanges changes, Versions versions, Path shareDir) {
        this.changes = changes;
        this.versions = versions;
        this.shareDir = shareDir;
    }

    /** How local edits are dealt with and old versions kept; set before the transfer service starts. */
    public void policy(LocalPolicy p) {
        changes.policy(p);
    }

    /**
     * What happened to this node's copy of {@code path} behind its back, for status: "modified" or
     * "deleted", with where the edited copy went or that it stays ("kept here, not served").
     */
    public Optional<String> change(String path) {
        return changes.change(path)
                .map(c -> c.kind()
                        + (c.keptLocal() ? ", kept here, not served" : "")
                        + (c.keptAs() == null ? "" : ", your copy: " + shareDir.relativize(c.keptAs())));
    }

    /** Files in the share directory the network does not have, as of the last scan: path -> "added" or "conflict". */
    public List<Map.Entry<String, String>> localOnly() {
        return changes.strays();
    }

    /** This node's trash of replaced and deleted versions. */
    public Versions versions() {
        return versions;
    }
}
