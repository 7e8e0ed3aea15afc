package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Human text for a file's local state. */
final class FileState {
    private FileState() {}

    static String describe(JsonNode f) {
        String here = state(f);
        String change = f.path("localChange").asText("");
        return change.isEmpty() ? here : here + "; locally changed: " + change;
    }

    private static String state(JsonNode f) {
        String state = f.path("state").asText();
        return switch (state) {
            case "complete" -> "complete";
            case "downloading" ->
                f.path("have").asInt() + " of " + f.path("chunks").asInt() + " chunks";
            case "elsewhere" -> "held by other members ('swiftserve where', 'swiftserve get')";
            default -> state;
        };
    }

    /** The share directory's files that are not the network's: never served, never deleted. */
    static void printLocalFiles(java.io.PrintWriter out, JsonNode localFiles, String prefix) {
        for (JsonNode l : localFiles) {
            String kind = l.path("kind").asText();
            out.printf(
                    "%s%-40s %s%n",
                    prefix,
                    l.path("path").asText(),
                    "conflict".equals(kind)
                            ? "locally changed: a local edit kept aside (yours to keep or delete)"
                            : "locally added: not in the network (not served; 'swiftserve add' publishes it)");
        }
    }
}
