package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Human text for a file's local state. */
final class FileState {
    private FileState() {}

    static String describe(JsonNode f) {
        String state = f.path("state").asText();
        return switch (state) {
            case "complete" -> "complete";
            case "downloading" ->
                f.path("have").asInt() + " of " + f.path("chunks").asInt() + " chunks";
            default -> state;
        };
    }
}
