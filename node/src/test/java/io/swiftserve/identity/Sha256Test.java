package io.swiftserve.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Sha256Test {
    @Test
    void theNativeDigestLoadsOnLinuxX8664() {
        assumeTrue(System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64"));

        assertThat(Sha256.useNative()).as("native SHA-256 on this machine").isTrue();
        assertThat(Sha256.describe()).startsWith("AWS-LC");
        assertThat(Sha256.newDigest().getProvider().getName()).isNotEqualTo("SUN");
    }

    @Test
    void nativeAndJdkDigestsAgreeOnArraysAndBothKindsOfBuffer() throws Exception {
        assertThat(HexFormat.of().formatHex(Sha256.hash("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        Sha256.useNative();
        SplittableRandom r = new SplittableRandom(7);
        for (int len : new int[] {0, 1, 55, 56, 63, 64, 65, 4095, 65_536, 262_144 + 13, 1 << 20}) {
            byte[] data = new byte[len];
            r.nextBytes(data);
            byte[] expected = MessageDigest.getInstance("SHA-256", "SUN").digest(data);
            ByteBuffer direct = ByteBuffer.allocateDirect(len + 10).position(5);
            direct.put(data).flip().position(5);

            MessageDigest fromArray = Sha256.newDigest();
            fromArray.update(data, 0, len / 2);
            fromArray.update(data, len / 2, len - len / 2);
            MessageDigest fromDirect = Sha256.newDigest();
            fromDirect.update(direct.duplicate());
            MessageDigest fromHeap = Sha256.newDigest();
            fromHeap.update(ByteBuffer.wrap(data));

            assertThat(fromArray.digest()).as("array, %d bytes", len).isEqualTo(expected);
            assertThat(fromDirect.digest()).as("direct buffer, %d bytes", len).isEqualTo(expected);
            assertThat(fromHeap.digest()).as("heap buffer, %d bytes", len).isEqualTo(expected);
        }
    }
}
