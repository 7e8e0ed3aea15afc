package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.ImportResult.Status;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.Invite;
import io.swiftserve.store.InMemoryStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class InviteTokenTest {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final ChainFixture f = new ChainFixture();
    private final NodeKey b = NodeKey.generate();
    private final NodeKey joiner = NodeKey.generate();
    private final NodeKey stranger = NodeKey.generate();
    private Blockchain chain;

    @BeforeEach
    void setUp() {
        chain = f.newChain(new InMemoryStore());
        f.extend(chain, f.founder, f.join(f.founder, b));
    }

    private void refuseJoin(NodeKey who, InviteToken invite, String rule) {
        Block head = chain.head();
        String before = ChainFixture.describe(chain.state());
        ImportResult result =
                chain.importBlock(f.seal(f.founder, head, f.txs(who).join(invite)));
        assertThat(result.status()).isEqualTo(Status.INVALID);
        assertThat(result.reason()).contains(rule);
        assertThat(chain.head().hash()).isEqualTo(head.hash());
        assertThat(ChainFixture.describe(chain.state())).isEqualTo(before);
    }

    private static String token(byte[] inviteBytes, byte[] signature, byte[] seed) {
        return "ssinv2." + B64.encodeToString(inviteBytes) + "." + B64.encodeToString(signature) + "."
                + B64.encodeToString(seed);
    }

    /** A token around {@code invite} with a fresh one-time key, its bytes signed as {@code sign} says. */
    private String token(Invite.Builder invite, java.util.function.Function<byte[], byte[]> sign) {
        byte[] seed = f.randomBytes(32);
        byte[] bytes = invite.setInviteKey(
                        ByteString.copyFrom(NodeKey.fromSeed(seed).id().bytes()))
                .build()
                .toByteArray();
        return token(bytes, sign.apply(bytes), seed);
    }

    private static byte[] seedOf(InviteToken token) {
        return Base64.getUrlDecoder().decode(token.format().split("\\.")[3]);
    }

    @Test
    void validInviteIsAccepted() throws Exception {
        InviteToken invite = InviteToken.parse(f.invite(b).format());
        invite.verify(f.networkId, f.clock.millis());
        f.extend(chain, f.founder, f.txs(joiner).join(invite));
        assertThat(chain.state().member(joiner.id()))
                .get()
                .extracting(Member::invitedBy)
                .isEqualTo(b.id());
        assertThat(chain.state().inviteUsed(invite.inviteId())).isTrue();
    }

    @Test
    void expiredInviteIsRefused() throws Exception {
        InviteToken invite = InviteToken.create(b, f.networkId, Duration.ofMinutes(1), List.of(), f.clock);
        invite.verify(f.networkId, invite.expiresMs()); // still good at the last millisecond
        assertThatThrownBy(() -> invite.verify(f.networkId, invite.expiresMs() + 1))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("invite expired");

        f.clock.advance(Duration.ofMinutes(2));
        refuseJoin(joiner, invite, "invite expired");
    }

    @Test
    void reusedInviteIsRefused() {
        InviteToken invite = f.invite(b);
        NodeKey second = NodeKey.generate();
        // both in one block: the second is refused when applied
        ImportResult both = chain.importBlock(f.seal(
                f.founder,
                chain.head(),
                f.txs(joiner).join(invite),
                f.txs(second).join(invite)));
        assertThat(both.status()).isEqualTo(Status.INVALID);
        assertThat(both.reason()).startsWith("transaction 1").contains("invite already used");

        f.extend(chain, f.founder, f.txs(joiner).join(invite));
        refuseJoin(second, invite, "invite already used");
    }

    @Test
    void inviteSignedByAnotherKeyIsForged() throws Exception {
        Invite.Builder invite = Invite.newBuilder()
                .setNetworkId(ByteString.copyFrom(f.networkId.bytes()))
                .setInviter(ByteString.copyFrom(f.founder.id().bytes()))
                .setExpiresMs(f.clock.millis() + 60_000);
        InviteToken forged = InviteToken.parse(token(invite, bytes -> stranger.sign(Signatures.Domain.INVITE, bytes)));
        assertThat(forged.inviter()).isEqualTo(f.founder.id());
        assertThatThrownBy(() -> forged.verify(f.networkId, f.clock.millis()))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("invite signature is forged");
        refuseJoin(joiner, forged, "invite signature is forged");

        // right key, wrong purpose: a transaction-domain signature is no invite signature
        InviteToken wrongDomain =
                InviteToken.parse(token(invite, bytes -> f.founder.sign(Signatures.Domain.TRANSACTION, bytes)));
        refuseJoin(joiner, wrongDomain, "invite signature is forged");
    }

    @Test
    void inviteWithAFlippedByteIsForged() throws Exception {
        InviteToken good = f.invite(b);
        byte[] sig = good.invite().signature();
        sig[0] ^= 0x40;
        refuseJoin(
                joiner,
                InviteToken.parse(token(good.invite().inviteBytes(), sig, seedOf(good))),
                "invite signature is forged");

        // the holder stretches the expiry and keeps the signature
        byte[] stretched = Invite.parseFrom(good.invite().inviteBytes()).toBuilder()
                .setExpiresMs(good.expiresMs() + 86_400_000L)
                .build()
                .toByteArray();
        refuseJoin(
                joiner,
                InviteToken.parse(token(stretched, good.invite().signature(), seedOf(good))),
                "invite signature is forged");
    }

    @Test
    void inviteForAnotherNetworkIsRefused() {
        Block otherGenesis = Genesis.create(b, "other-net", f.clock);
        InviteToken invite = InviteToken.create(b, otherGenesis.hash(), Duration.ofHours(1), List.of(), f.clock);
        assertThatThrownBy(() -> invite.verify(f.networkId, f.clock.millis()))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("invite is for another network");
        refuseJoin(joiner, invite, "invite is for another network");
    }

    @Test
    void inviteOfANonMemberIsRefused() {
        InviteToken byB = f.invite(b);
        f.extend(chain, f.founder, f.txs(f.founder).revoke(b.id()));
        refuseJoin(joiner, byB, "inviter " + b.id().shortId() + " is not a member");
        refuseJoin(joiner, f.invite(stranger), "inviter " + stranger.id().shortId() + " is not a member");
    }

    @Test
    void memberCannotJoinAgain() {
        refuseJoin(b, f.invite(f.founder), "joiner " + b.id().shortId() + " is already a member");
    }

    @Test
    void formatAndParseRoundTrip() throws Exception {
        InviteToken invite = InviteToken.create(
                b, f.networkId, Duration.ofMinutes(30), List.of("10.0.0.7:8000", "[fe80::1]:9000"), f.clock);
        String text = invite.format();
        assertThat(text).startsWith("ssinv2.").doesNotContain("=", "+", "/", " ");

        InviteToken parsed = InviteToken.parse("  " + text + "\n");
        assertThat(parsed.format()).isEqualTo(text);
        assertThat(parsed.inviter()).isEqualTo(b.id());
        assertThat(parsed.networkId()).isEqualTo(f.networkId);
        assertThat(parsed.inviteId())
                .as("the id is the one-time public key")
                .isEqualTo(invite.inviteId())
                .isEqualTo(parsed.invite().inviteKey().bytes());
        assertThat(parsed.expiresMs()).isEqualTo(ChainFixture.T0 + 30 * 60_000);
        assertThat(parsed.addresses()).containsExactly("10.0.0.7:8000", "[fe80::1]:9000");
        parsed.verify(f.networkId, f.clock.millis());
        assertThat(InviteToken.create(b, f.networkId, Duration.ofMinutes(30), List.of(), f.clock)
                        .inviteId())
                .isNotEqualTo(invite.inviteId());
    }

    @Test
    void inviterThatIsNotACurvePointIsInvalidNotACrash() throws Exception {
        InviteToken invite = InviteToken.parse(token(
                Invite.newBuilder()
                        .setNetworkId(ByteString.copyFrom(f.networkId.bytes()))
                        .setInviter(ByteString.copyFrom(BlockValidationTest.notACurvePoint()))
                        .setExpiresMs(f.clock.millis() + 60_000),
                bytes -> new byte[64]));

        assertThatThrownBy(() -> invite.verify(f.networkId, f.clock.millis())).isInstanceOf(InvalidException.class);
        refuseJoin(joiner, invite, "invite signature is forged");
    }

    @Test
    void aJoinCarryingAnInviteUsedByAnotherKeyIsInvalid() throws Exception {
        InviteToken invite = f.invite(b);
        InviteUse forJoiner = invite.use(joiner.id());
        forJoiner.verify(f.networkId, joiner.id(), f.clock.millis());
        assertThatThrownBy(() -> forJoiner.verify(f.networkId, stranger.id(), f.clock.millis()))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("invite proof is not for key");

        // a thief that captured the joiner's Auth or Join puts the same invite and proof in its own Join
        Block head = chain.head();
        ImportResult stolen =
                chain.importBlock(f.seal(f.founder, head, f.txs(stranger).join(forJoiner)));
        assertThat(stolen.status()).isEqualTo(Status.INVALID);
        assertThat(stolen.reason())
                .contains("invite proof is not for key " + stranger.id().shortId());
        assertThat(chain.state().inviteUsed(invite.inviteId())).isFalse();

        // the proof names the key, not the one-time key's holder: a proof by any other key is forged
        InviteUse byInviter = new InviteUse(invite.invite(), b.sign(Signatures.Domain.INVITE_USE, joinerMessage()));
        refuseJoin(joiner, byInviter, "invite proof is not for key");
        refuseJoin(joiner, new InviteUse(invite.invite(), new byte[0]), "invite proof is not for key");

        f.extend(chain, f.founder, f.txs(joiner).join(forJoiner));
        assertThat(chain.state().isMember(joiner.id())).isTrue();
        assertThat(chain.state().isMember(stranger.id())).isFalse();
    }

    @Test
    void anInviteOfTheOldFormatIsRefusedWithAReason() {
        byte[] old = Invite.newBuilder()
                .setNetworkId(ByteString.copyFrom(f.networkId.bytes()))
                .setInviter(ByteString.copyFrom(b.id().bytes()))
                .setInviteId(ByteString.copyFrom(f.randomBytes(16)))
                .setExpiresMs(f.clock.millis() + 60_000)
                .build()
                .toByteArray();
        String v1 =
                "ssinv1." + B64.encodeToString(old) + "." + B64.encodeToString(b.sign(Signatures.Domain.INVITE, old));
        assertThatThrownBy(() -> InviteToken.parse(v1))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("old format");
        assertThatThrownBy(() -> SignedInvite.fromParts(old, b.sign(Signatures.Domain.INVITE, old)))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("old format");
    }

    @Test
    void whatAJoinerSendsHoldsNoSecret() {
        InviteToken invite = f.invite(b);
        byte[] seed = seedOf(invite);
        java.util.HexFormat hex = java.util.HexFormat.of();
        assertThat(hex.formatHex(invite.use(joiner.id()).toProto().toByteArray()))
                .as("the Join/Auth invite fields")
                .doesNotContain(hex.formatHex(seed));
        assertThat(invite.toString()).doesNotContain(B64.encodeToString(seed));
    }

    private byte[] joinerMessage() {
        byte[] out = new byte[64];
        System.arraycopy(f.networkId.bytes(), 0, out, 0, 32);
        System.arraycopy(joiner.id().bytes(), 0, out, 32, 32);
        return out;
    }

    private void refuseJoin(NodeKey who, InviteUse use, String rule) {
        ImportResult result =
                chain.importBlock(f.seal(f.founder, chain.head(), f.txs(who).join(use)));
        assertThat(result.status()).isEqualTo(Status.INVALID);
        assertThat(result.reason()).contains(rule);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(
            strings = {
                "",
                "   ",
                "hello",
                "ssinv1",
                "ssinv1.",
                "ssinv1..",
                "ssinv1.a.b.c",
                "ssinv2.AAAA.AAAA",
                "ssinv1.!!!!.????",
                "ssinv1.AAAA.AAAA",
                "ssinv1.CgA.AAAA",
                "ssinv1.A.B",
                "SSINV1.AAAA.AAAA",
                "ssinv1.CiAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAA",
                "ssinv2.AAAA.AAAA.AAAA",
                "ssinv2...",
                "ssinv2.CiAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAA.AAAA",
                "ssinv2.a.b.c.d"
            })
    void garbageTokensAreInvalid(String text) {
        assertThatThrownBy(() -> InviteToken.parse(text)).isInstanceOf(InvalidException.class);
    }

    @Test
    void mangledTokensGiveInvalidExceptionOrAParsedToken() {
        String good = f.invite(b).format();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/";
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder s = new StringBuilder(good);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits && s.length() > 0; e++) {
                int pos = random.nextInt(s.length());
                switch (random.nextInt(3)) {
                    case 0 -> s.setCharAt(pos, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> s.deleteCharAt(pos);
                    default -> s.setLength(pos);
                }
            }
            Throwable thrown = catchThrowable(() -> InviteToken.parse(s.toString()));
            assertThat(thrown)
                    .as("parse(%s)", s)
                    .satisfiesAnyOf(
                            t -> assertThat(t).isNull(), t -> assertThat(t).isInstanceOf(InvalidException.class));
        }
    }
}
