package io.swiftserve.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class SignaturesTest {
    private final NodeKey key = NodeKey.generate();
    private final byte[] message = "header bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void blockSignatureDoesNotVerifyAsTransaction() {
        byte[] sig = key.sign(Signatures.Domain.BLOCK, message);
        assertThat(Signatures.verify(key.id(), Signatures.Domain.BLOCK, message, sig))
                .isTrue();
        assertThat(Signatures.verify(key.id(), Signatures.Domain.TRANSACTION, message, sig))
                .isFalse();
    }

    @ParameterizedTest
    @EnumSource(Signatures.Domain.class)
    void aSignatureVerifiesInItsOwnDomainOnly(Signatures.Domain domain) {
        byte[] sig = key.sign(domain, message);
        for (Signatures.Domain other : Signatures.Domain.values()) {
            assertThat(Signatures.verify(key.id(), other, message, sig))
                    .as("%s signature as %s", domain, other)
                    .isEqualTo(other == domain);
        }
    }

    @Test
    void otherKeyMessageOrSignatureFails() {
        byte[] sig = key.sign(Signatures.Domain.BLOCK, message);
        assertThat(Signatures.verify(NodeKey.generate().id(), Signatures.Domain.BLOCK, message, sig))
                .isFalse();
        byte[] changed = message.clone();
        changed[0] ^= 1;
        assertThat(Signatures.verify(key.id(), Signatures.Domain.BLOCK, changed, sig))
                .isFalse();
        byte[] flipped = sig.clone();
        flipped[63] ^= 1;
        assertThat(Signatures.verify(key.id(), Signatures.Domain.BLOCK, message, flipped))
                .isFalse();
        assertThat(Signatures.verify(key.id(), Signatures.Domain.BLOCK, message, new byte[63]))
                .isFalse();
        assertThat(Signatures.verify(key.id(), Signatures.Domain.BLOCK, message, null))
                .isFalse();
        // the domain tag is a prefix, not something a message can imitate
        byte[] tagged = ("swiftserve/block/v1" + "header bytes").getBytes(StandardCharsets.UTF_8);
        assertThat(Signatures.verify(key.id(), Signatures.Domain.TRANSACTION, tagged, sig))
                .isFalse();
    }

    @Test
    void nodeIdTextFormRoundTrips() {
        NodeId id = key.id();
        assertThat(id.toString()).hasSize(64).matches("[0-9a-f]+");
        assertThat(NodeId.parse(id.toString())).isEqualTo(id);
        assertThat(NodeId.parse(id.toString().toUpperCase())).isEqualTo(id);
        assertThat(id.shortId()).isEqualTo(id.toString().substring(0, 12));
        assertThat(NodeId.of(id.bytes())).isEqualTo(id).hasSameHashCodeAs(id);
        assertThatThrownBy(() -> NodeId.parse("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeId.parse("z".repeat(64))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeId.of(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }
}
