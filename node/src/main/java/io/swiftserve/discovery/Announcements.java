package io.swiftserve.discovery;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Sha256;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.Announcement;
import io.swiftserve.proto.SignedAnnouncement;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The discovery datagram: the magic {@code "SSD1"} (format and version), then a {@link
 * SignedAnnouncement}. Decoding checks only the shape; {@link Heard#signatureValid()} is left to the
 * rules, which spend a signature check only on what passed the cheap tests.
 */
public final class Announcements {
    /** "SSD1": swiftserve discovery, format 1. A new format takes a new magic, so old nodes ignore it. */
    static final byte[] MAGIC = {'S', 'S', 'D', '1'};

    /** Far above an announcement's ~200 bytes, far below what a flood could make us parse. */
    public static final int MAX_DATAGRAM = 512;

    static final int INSTANCE_LENGTH = 8;

    private Announcements() {}

    /** What an announcement names the network by: a stranger on the LAN learns a tag, not the network id. */
    public static byte[] networkHash(Hash networkId) {
        byte[] prefix = "swiftserve/discovery/v1".getBytes(StandardCharsets.US_ASCII);
        byte[] in = Arrays.copyOf(prefix, prefix.length + Sha256.LENGTH);
        System.arraycopy(networkId.bytes(), 0, in, prefix.length, Sha256.LENGTH);
        return Sha256.hash(in);
    }

    /** One signed datagram announcing {@code key}'s member at {@code port}. */
    public static byte[] encode(NodeKey key, byte[] networkHash, int port, long nowMs, byte[] instance) {
        byte[] body = Announcement.newBuilder()
                .setNetworkHash(ByteString.copyFrom(networkHash))
                .setNodeKey(ByteString.copyFrom(key.id().bytes()))
                .setPort(port)
                .setTimestampMs(nowMs)
                .setInstance(ByteString.copyFrom(instance))
                .build()
                .toByteArray();
        byte[] signed = SignedAnnouncement.newBuilder()
                .setAnnouncement(ByteString.copyFrom(body))
                .setSignature(ByteString.copyFrom(key.sign(Signatures.Domain.DISCOVERY, body)))
                .build()
                .toByteArray();
        byte[] out = Arrays.copyOf(MAGIC, MAGIC.length + signed.length);
        System.arraycopy(signed, 0, out, MAGIC.length, signed.length);
        return out;
    }

    /** An announcement as received, its signature not yet checked. */
    public record Heard(
            byte[] networkHash,
            NodeId node,
            int port,
            long timestampMs,
            byte[] instance,
            byte[] body,
            byte[] signature) {

        public boolean signatureValid() {
            return Signatures.verify(node, Signatures.Domain.DISCOVERY, body, signature);
        }
    }

    /** The announcement in {@code datagram}, or empty when it is not one (another program's, or malformed). */
    public static Optional<Heard> decode(byte[] datagram, int length) {
        if (length < MAGIC.length || length > MAX_DATAGRAM || !startsWithMagic(datagram)) {
            return Optional.empty();
        }
        try {
            SignedAnnouncement signed =
                    SignedAnnouncement.parseFrom(ByteString.copyFrom(datagram, MAGIC.length, length - MAGIC.length));
            Announcement a = Announcement.parseFrom(signed.getAnnouncement());
            if (a.getPort() < 1 || a.getPort() > 65_535 || a.getInstance().size() != INSTANCE_LENGTH) {
                return Optional.empty();
            }
            return Optional.of(new Heard(
                    a.getNetworkHash().toByteArray(),
                    NodeId.of(a.getNodeKey().toByteArray()),
                    a.getPort(),
                    a.getTimestampMs(),
                    a.getInstance().toByteArray(),
                    signed.getAnnouncement().toByteArray(),
                    signed.getSignature().toByteArray()));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static boolean startsWithMagic(byte[] datagram) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (datagram[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
