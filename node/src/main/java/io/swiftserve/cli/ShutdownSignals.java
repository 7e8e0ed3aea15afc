package io.swiftserve.cli;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop the node cleanly and exit 0, as systemd expects of a service stopped on
 * purpose (the JVM's default would exit 143).
 */
final class ShutdownSignals {
    private ShutdownSignals() {}

    static void install(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    try {
                        stop.run();
                    } finally {
                        // whatever a failed close left running, a stop request ends the process
                        System.exit(Main.OK);
                    }
                });
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the shutdown hook below still closes the node
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
    }
}
