package io.swiftserve.admin;

import java.time.Duration;
import java.util.Map;

/**
 * What the local admin channel can ask of a running node. Implemented by the daemon; the HTTP
 * server only translates. Methods throw {@link AdminException} with a one-line message for the user.
 */
public interface AdminApi {
    /** Files a status lists when the caller does not say (the page and the metrics). */
    int STATUS_FILES = 100;

    /** This node and network, with files {@code offset} to {@code offset + limit} by path. */
    Views.Status status(int offset, int limit) throws AdminException;

    default Views.Status status() {
        try {
            return status(0, STATUS_FILES);
        } catch (AdminException e) {
            throw new IllegalStateException(e.getMessage(), e); // the default page is always valid
        }
    }

    Views.Peers peers();

    Views.Chain chain(int limit);

    /**
     * A new invite token valid for {@code ttl}, admitting up to {@code uses} keys, from the address
     * blocks {@code cidrs} (empty: anywhere), each join held for approval when {@code approval}.
     */
    Map<String, Object> invite(Duration ttl, int uses, java.util.List<String> cidrs, boolean approval)
            throws AdminException;

    /** Joins held for an operator's approval on this node, oldest first. */
    default java.util.List<Map<String, Object>> pending() {
        return java.util.List.of();
    }

    /** Admits the held join of the key starting with {@code nodeIdOrPrefix}; answers once it is sealed. */
    default Map<String, Object> approve(String nodeIdOrPrefix) throws AdminException {
        throw new AdminException("no join waits for approval here");
    }

    /** Refuses the held join of the key starting with {@code nodeIdOrPrefix}. */
    default Map<String, Object> deny(String nodeIdOrPrefix) throws AdminException {
        throw new AdminException("no join waits for approval here");
    }

    Map<String, Object> leave() throws AdminException;

    Map<String, Object> revoke(String nodeIdOrPrefix) throws AdminException;

    /** Publishes {@code size} bytes read from {@code content} as ledger path {@code path} (a new version if it exists). */
    Map<String, Object> add(String path, long size, java.io.InputStream content) throws AdminException;

    /**
     * Publishes a directory tree as ledger path {@code path}: {@code content} first holds
     * {@code entriesLength} bytes of its entry list ({@code TreeEntry.encode}), then the {@code size}
     * bytes of its files, concatenated in the list's order. Placed as {@link #add(String, long,
     * java.io.InputStream, java.util.List, int)} places a file.
     */
    default Map<String, Object> addTree(
            String path,
            long size,
            long entriesLength,
            java.io.InputStream content,
            java.util.List<String> to,
            int replicas)
            throws AdminException {
        throw new AdminException("this node cannot take trees");
    }

    /**
     * Publishes the file or directory at {@code source} (an absolute path on this machine) as ledger
     * path {@code path}, read by the node itself rather than streamed; placed as {@link #add(String,
     * long, java.io.InputStream, java.util.List, int)} places a file. {@code key} is the file key the
     * caller saw there (null: not compared). When the node cannot read it as the caller sees it, the
     * answer holds only {@code unreadable} (why) and the caller streams the bytes instead. A
     * non-null {@code progressId} lets {@link #addProgress} report the bytes read meanwhile.
     */
    default Map<String, Object> addLocal(
            String source, String path, String key, java.util.List<String> to, int replicas, String progressId)
            throws AdminException {
        return Map.of("unreadable", "this node does not read files itself");
    }

    /** How far the local add the caller named {@code progressId} has read: running, read, total. */
    default Map<String, Object> addProgress(String progressId) {
        return Map.of("running", false);
    }

    /**
     * Publishes directory {@code source} (absolute, on this machine) as tree {@code path} now if it
     * differs from the ledger's version, and again whenever it changes and then stays the same for
     * {@code debounce}, until {@link #unwatch}; kept across restarts.
     */
    default Map<String, Object> watch(
            String source, String path, java.time.Duration debounce, java.util.List<String> to, int replicas)
            throws AdminException {
        throw new AdminException("this node does not watch folders");
    }

    default Map<String, Object> unwatch(String path) throws AdminException {
        throw new AdminException("no watched folder is published as '" + path + "'");
    }

    /** Every watched folder: name, source, debounceMs, state (unchanged, changed, error: why). */
    default java.util.List<Map<String, Object>> watches() {
        return java.util.List.of();
    }

    /** The entries of tree {@code path}, from its manifest (path, size, mode, mtimeMs, directory). */
    default Map<String, Object> tree(String path) throws AdminException {
        throw new AdminException("no tree '" + path + "' here");
    }

    /** Ledger path -> file count, for each tree whose manifest this node holds. */
    default Map<String, Integer> trees() {
        return Map.of();
    }

    Map<String, Object> remove(String path) throws AdminException;

    /**
     * As {@link #add(String, long, java.io.InputStream)}, held only by the members carrying any of the
     * labels {@code to} and/or by {@code replicas} of them (see chain.Placement); none and 0: everyone.
     */
    default Map<String, Object> add(
            String path, long size, java.io.InputStream content, java.util.List<String> to, int replicas)
            throws AdminException {
        if (!to.isEmpty() || replicas != 0) {
            throw new AdminException("this node cannot place files");
        }
        return add(path, size, content);
    }

    /** Adds and removes labels of the member whose id starts with {@code nodeIdOrPrefix}; answers once sealed. */
    default Map<String, Object> label(String nodeIdOrPrefix, java.util.List<String> add, java.util.List<String> remove)
            throws AdminException {
        throw new AdminException("this node cannot label members");
    }

    /** Every member with its labels, most senior first. */
    default java.util.List<Map<String, Object>> labels() {
        return java.util.List.of();
    }

    /** Makes this node hold the current version of {@code path} (it downloads it from its holders); answers at once. */
    default Map<String, Object> get(String path) throws AdminException {
        throw new AdminException("this node cannot get files");
    }

    /** The members that must hold the current version of {@code path}, and what this node knows of each. */
    default Map<String, Object> where(String path) throws AdminException {
        throw new AdminException("this node does not know placements");
    }

    /** The ledger's files and this node's state of each. */
    java.util.List<Views.FileStatus> files();

    /** Files in the share directory that the network does not have (added locally, conflict copies). */
    default java.util.List<Views.LocalFile> localFiles() {
        return java.util.List.of();
    }

    /**
     * Starts a collaborative download of {@code url} (http/https) published as {@code path} (null:
     * the URL's file name), checked against {@code sha256} when given, with {@code helpers} other
     * members (negative: all); answers the fetch's status at once, with its "id".
     */
    default Map<String, Object> fetch(String url, String path, String sha256, int helpers) throws AdminException {
        throw new AdminException("this node cannot fetch");
    }

    /** The status of fetch {@code id} (state, chunks per helper, rate, error, fileId). */
    default Map<String, Object> fetchStatus(String id) throws AdminException {
        throw new AdminException("no fetch " + id);
    }

    /** Every fetch this node ran since it started (the latest ones). */
    default java.util.List<Map<String, Object>> fetches() {
        return java.util.List.of();
    }

    /**
     * The bandwidth limits after applying {@code changes} (setting name to value, as
     * {@code swiftserve limit} sends them; empty: only show them), rates in bytes per second, 0 = off.
     */
    default Map<String, Object> limits(Map<String, String> changes) throws AdminException {
        throw new AdminException("this node has no bandwidth limits");
    }

    /** A request the user can fix: bad argument, not allowed, not found. */
    class AdminException extends Exception {
        public AdminException(String message) {
            super(message);
        }
    }
}
