package io.swiftserve.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompilerPolicyTest {
    @AfterEach
    void restoreTheDefaultJit() throws Exception {
        System.clearProperty("swiftserve.c2");
        CompilerPolicy.diagnosticCommand("compilerDirectivesClear");
    }

    @Test
    void theDigestKeepsC2AndEverythingElseStaysInC1() throws Exception {
        assertThat(CompilerPolicy.apply(false)).isTrue();

        String directives = CompilerPolicy.diagnosticCommand("compilerDirectivesPrint");
        assertThat(directives).contains("sun/security/provider/*.*").contains("java/security/MessageDigest*.*");
        assertThat(directives.indexOf("sun/security/provider/*.*")).isLessThan(directives.indexOf("*.*\n"));
    }

    @Test
    void swiftserveC2AllLeavesTheJitAsItIs() throws Exception {
        System.setProperty("swiftserve.c2", "all");

        assertThat(CompilerPolicy.apply(false)).isFalse();
        assertThat(CompilerPolicy.diagnosticCommand("compilerDirectivesPrint")).doesNotContain("sun/security/provider");
    }
}
