package io.swiftserve.fetch;

/**
 * Where a fetch job is. An enum so a typo cannot make a state nobody checks for; the label is what
 * {@code fetch --json}, the admin API and the CLI show, and must not change.
 */
enum FetchState {
    PROBING("probing"),
    DOWNLOADING("downloading"),
    VERIFYING("verifying"),
    DONE("done"),
    FAILED("failed");

    private final String label;

    FetchState(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    boolean finished() {
        return this == DONE || this == FAILED;
    }
}
