package io.swiftserve.admin;

import java.time.Duration;
import java.util.Map;

/**
 * What the local admin channel can ask of a running node. Implemented by the daemon; the HTTP
 * server only translates. Methods throw {@link AdminException} with a one-line message for the user.
 */
public interface AdminApi {
    Views.Status status();

    Views.Peers peers();

    Views.Chain chain(int limit);

    Map<String, Object> invite(Duration ttl) throws AdminException;

    Map<String, Object> leave() throws AdminException;

    Map<String, Object> revoke(String nodeIdOrPrefix) throws AdminException;

    /** Publishes {@code size} bytes read from {@code content} as ledger path {@code path} (a new version if it exists). */
    Map<String, Object> add(String path, long size, java.io.InputStream content) throws AdminException;

    Map<String, Object> remove(String path) throws AdminException;

    /** The ledger's files and this node's state of each. */
    java.util.List<Views.FileStatus> files();

    /** A request the user can fix: bad argument, not allowed, not found. */
    class AdminException extends Exception {
        public AdminException(String message) {
            super(message);
        }
    }
}
