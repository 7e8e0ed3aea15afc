package io.swiftserve.cli;

/** Whether this process talks to a person at a terminal: progress bars only then. */
final class Terminals {
    private Terminals() {}

    /**
     * On Java 17 to 21 {@code System.console()} is null unless stdin and stdout are a terminal. From
     * Java 22 it is never null, and {@code Console.isTerminal()} (absent before) says it instead; the
     * jar runs on whatever java the machine has, so the newer method is looked up when it exists.
     */
    @SuppressWarnings("SystemConsoleNull") // the Java 22+ case is handled below
    static boolean interactive() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
