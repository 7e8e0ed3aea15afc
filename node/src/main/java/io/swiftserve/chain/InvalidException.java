package io.swiftserve.chain;

/** A block, transaction or invite broke a rule; the message names the rule, for the log line. */
public class InvalidException extends Exception {
    public InvalidException(String reason) {
        super(reason, null, false, false);
    }

    public static void check(boolean condition, String reason) throws InvalidException {
        if (!condition) {
            throw new InvalidException(reason);
        }
    }
}
