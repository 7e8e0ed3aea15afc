package io.swiftserve.daemon;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.swiftserve.identity.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the daemon's code in C1 and gives C2 only the SHA-256 digest.
 *
 * <p>The daemon's Java code is thin glue around sendfile, reads, positional writes and the digest,
 * and it runs once per 256 KiB chunk: a few thousand calls per transfer. Such lukewarm methods cross
 * C2's thresholds one by one, transfer after transfer, so C2 was still compiling in the sixth
 * transfer and took half of all the daemons' CPU in the LAN benchmark (8 hosts, 64 MiB: 11.2
 * CPU-s per transfer, 6 of them C2; with this policy 5.7, in the same time). C1 code moved the
 * chunks as fast. The digest is the exception: only C2 code uses the CPU's SHA instructions, and
 * without them hashing alone takes five times the CPU. The JDK's TLS cipher keeps C2 for the same
 * reason (AES-GCM intrinsics), for when the peer channel runs on the JDK's engine instead of BoringSSL.
 *
 * <p>Applied through HotSpot's diagnostic command, so it holds however the JVM was started
 * ({@code java -jar}, a test); {@code -Dswiftserve.c2=all} leaves the JIT as it is.
 *
 * <p>The launcher goes further and starts the daemon on C1 alone ({@code -XX:TieredStopAtLevel=1})
 * where the digest is native ({@link Sha256#useNative}): then no method runs C1's profiling code on
 * its way to a C2 that the directives refuse anyway, and the first transfer after a start costs what
 * later ones do (8 hosts, 256 MiB: 14.7 CPU-s per GiB on the first transfer with these directives,
 * about 11 on C1 alone, in docs/PERFORMANCE.md). Without the native digest C1 alone would hash at a
 * tenth of the speed, which the daemon says at start.
 */
public final class CompilerPolicy {
    private static final Logger log = LoggerFactory.getLogger(CompilerPolicy.class);
    static final String DIRECTIVES = "compiler-directives.json";

    private CompilerPolicy() {}

    /**
     * True if the JIT is as this class intends: C1 alone with a native digest, or the directives in
     * force. On a JVM without directives the daemon runs as it is.
     */
    public static boolean apply(boolean nativeDigest) {
        if (c1Only()) {
            if (nativeDigest) {
                log.info("JIT: C1 only; SHA-256 on {}", Sha256.describe());
                return true;
            }
            log.warn(
                    "JIT: C1 only, but SHA-256 has no native code on this machine: hashing costs about ten"
                            + " times the CPU; start the daemon with the full JIT (SWIFTSERVE_DAEMON_JIT=full for the launcher)");
            return false;
        }
        if ("all".equals(System.getProperty("swiftserve.c2"))) {
            log.debug("JIT left as it is (swiftserve.c2=all)");
            return false;
        }
        Path file = null;
        try (InputStream in = CompilerPolicy.class.getResourceAsStream(DIRECTIVES)) {
            if (in == null) {
                throw new IOException(DIRECTIVES + " is missing from the jar");
            }
            file = Files.createTempFile("swiftserve-jit", ".json");
            Files.write(file, in.readAllBytes());
            String out = diagnosticCommand("compilerDirectivesAdd", file.toString());
            // HotSpot answers "1 compiler directives added"; anything else names what it refused
            if (!out.contains("directives added")) {
                throw new IOException(out.strip());
            }
            log.debug("JIT: C2 only for the SHA-256 digest");
            return true;
        } catch (IOException | JMException | RuntimeException e) {
            log.info("JIT policy not applied ({}); the daemon runs with the default JIT", e.getMessage());
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temp file of a few hundred bytes
                }
            }
        }
    }

    /** Whether this JVM compiles with C1 alone ({@code -XX:TieredStopAtLevel} 1 to 3). */
    static boolean c1Only() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            boolean tiered = Boolean.parseBoolean(
                    hotspot.getVMOption("TieredCompilation").getValue());
            return tiered
                    && Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue()) < 4;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Runs a HotSpot diagnostic command (what {@code jcmd PID Compiler.directives_add F} runs) in this JVM. */
    static String diagnosticCommand(String operation, String... args) throws JMException {
        Object out = ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        operation,
                        new Object[] {args},
                        new String[] {String[].class.getName()});
        return String.valueOf(out);
    }
}
