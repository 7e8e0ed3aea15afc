package io.swiftserve.cli;

/** A failure to report in one line, with the exit code to use. */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static CliException failed(String message) {
        return new CliException(Main.FAILED, message);
    }

    int exitCode() {
        return exitCode;
    }
}
