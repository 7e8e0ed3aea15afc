package io.swiftserve.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeKey;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The signed bytes of Auth, laid out as PROTOCOL.md writes them. */
class AuthMessageTest {
    private final Hash network = Hash.sha256(new byte[] {9});
    private final byte[] nonce = filled(32, 0x5a);
    private final NodeKey signer = NodeKey.generate();
    private final NodeKey verifier = NodeKey.generate();

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void networkNonceSignerVerifierThenTheBinding() {
        ChannelBinding binding = new ChannelBinding(filled(32, 1), filled(32, 2));
        byte[] m = AuthMessage.of(network, nonce, signer.id(), verifier.id(), binding);
        assertThat(m).hasSize(192);
        assertThat(Arrays.copyOfRange(m, 0, 32)).isEqualTo(network.bytes());
        assertThat(Arrays.copyOfRange(m, 32, 64)).isEqualTo(nonce);
        assertThat(Arrays.copyOfRange(m, 64, 96)).isEqualTo(signer.id().bytes());
        assertThat(Arrays.copyOfRange(m, 96, 128)).isEqualTo(verifier.id().bytes());
        assertThat(Arrays.copyOfRange(m, 128, 160)).isEqualTo(filled(32, 1));
        assertThat(Arrays.copyOfRange(m, 160, 192)).isEqualTo(filled(32, 2));
    }

    @Test
    void cleartextHasNoBindingAndSignerAndVerifierAreNotInterchangeable() {
        byte[] m = AuthMessage.of(network, nonce, signer.id(), verifier.id(), ChannelBinding.NONE);
        assertThat(m).hasSize(128);
        assertThat(m).isNotEqualTo(AuthMessage.of(network, nonce, verifier.id(), signer.id(), ChannelBinding.NONE));
    }

    @Test
    void aNonceOfAnotherLengthIsRefused() {
        assertThatThrownBy(() -> AuthMessage.of(network, new byte[31], signer.id(), verifier.id(), ChannelBinding.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
