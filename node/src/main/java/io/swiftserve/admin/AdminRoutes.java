package io.swiftserve.admin;

import java.time.Duration;
import java.util.Map;

/** Maps "METHOD /path" plus query to an {@link AdminApi} call; null = no such route. */
public class AdminRoutes {
    private final AdminApi api;

    public AdminRoutes(AdminApi api) {
        this.api = api;
    }

    public Object route(String route, Map<String, String> query, java.io.InputStream body)
            throws AdminApi.AdminException {
        return switch (route) {
            case "GET /status" ->
                api.status(intParam(query, "offset", 0), intParam(query, "limit", AdminApi.STATUS_FILES));
            case "GET /peers" -> api.peers();
            case "GET /chain" -> api.chain(intParam(query, "limit", 20));
            case "POST /invite" ->
                api.invite(
                        DurationParser.parse(query.getOrDefault("ttl", "24h")),
                        intParam(query, "uses", 1),
                        listParam(query, "cidr"),
                        Boolean.parseBoolean(query.getOrDefault("approve", "false")));
            case "GET /pending" -> Map.of("pending", api.pending());
            case "POST /approve" -> api.approve(required(query, "node"));
            case "POST /deny" -> api.deny(required(query, "node"));
            case "POST /leave" -> api.leave();
            case "POST /revoke" -> api.revoke(required(query, "node"));
            case "POST /add" ->
                api.add(
                        required(query, "path"),
                        longParam(query, "size"),
                        body,
                        listParam(query, "to"),
                        intParam(query, "replicas", 0));
            case "POST /label" ->
                api.label(required(query, "node"), listParam(query, "add"), listParam(query, "remove"));
            case "GET /labels" -> Map.of("members", api.labels());
            case "POST /get" -> api.get(required(query, "path"));
            case "GET /where" -> api.where(required(query, "path"));
            case "POST /add-tree" ->
                api.addTree(
                        required(query, "path"),
                        longParam(query, "size"),
                        longParam(query, "entries"),
                        body,
                        listParam(query, "to"),
                        intParam(query, "replicas", 0));
            case "POST /add-local" ->
                api.addLocal(
                        required(query, "source"),
                        required(query, "path"),
                        query.get("key"),
                        listParam(query, "to"),
                        intParam(query, "replicas", 0),
                        query.get("progress"));
            case "GET /add-progress" -> api.addProgress(required(query, "progress"));
            case "POST /watch" ->
                api.watch(
                        required(query, "source"),
                        required(query, "path"),
                        DurationParser.parse(query.getOrDefault("debounce", "5s")),
                        listParam(query, "to"),
                        intParam(query, "replicas", 0));
            case "POST /unwatch" -> api.unwatch(required(query, "path"));
            case "GET /watches" -> Map.of("watches", api.watches());
            case "GET /tree" -> api.tree(required(query, "path"));
            case "POST /rm" -> api.remove(required(query, "path"));
            case "GET /files" ->
                // trees=true (ls) reads every tree's manifest: not for the polls of add --wait
                Boolean.parseBoolean(query.get("trees"))
                        ? Map.of("files", api.files(), "localFiles", api.localFiles(), "trees", api.trees())
                        : Map.of("files", api.files(), "localFiles", api.localFiles());
            case "POST /fetch" ->
                api.fetch(required(query, "url"), query.get("as"), query.get("sha256"), intParam(query, "helpers", -1));
            case "GET /fetch" ->
                query.containsKey("id") ? api.fetchStatus(required(query, "id")) : Map.of("fetches", api.fetches());
            case "GET /limits" -> api.limits(Map.of());
            case "POST /limits" -> api.limits(query);
            default -> null;
        };
    }

    protected static String required(Map<String, String> query, String name) throws AdminApi.AdminException {
        String v = query.get(name);
        if (v == null || v.isBlank()) {
            throw new AdminApi.AdminException("missing parameter '" + name + "'");
        }
        return v;
    }

    /** A comma-separated list; absent or blank: empty. */
    protected static java.util.List<String> listParam(Map<String, String> query, String name) {
        String v = query.getOrDefault(name, "");
        return java.util.Arrays.stream(v.split(","))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .toList();
    }

    protected static long longParam(Map<String, String> query, String name) throws AdminApi.AdminException {
        try {
            long v = Long.parseLong(required(query, name));
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new AdminApi.AdminException("parameter '" + name + "' is not a non-negative number");
        }
    }

    protected static int intParam(Map<String, String> query, String name, int dflt) throws AdminApi.AdminException {
        String v = query.get(name);
        try {
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new AdminApi.AdminException("parameter '" + name + "' is not a number");
        }
    }

    /** Durations in the one grammar of {@link io.swiftserve.util.Durations}. */
    public static final class DurationParser {
        private DurationParser() {}

        public static Duration parse(String text) throws AdminApi.AdminException {
            try {
                return io.swiftserve.util.Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new AdminApi.AdminException(e.getMessage());
            }
        }
    }
}
