package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import java.nio.ByteBuffer;

/**
 * A current member of the network. {@code seniority} orders members by when they joined (the
 * founder is 0); it decides who may revoke whom.
 */
public record Member(NodeId id, long seniority, NodeId invitedBy, long joinedAtHeight) {

    byte[] encode() {
        return ByteBuffer.allocate(8 + 32 + 8)
                .putLong(seniority)
                .put(invitedBy.bytes())
                .putLong(joinedAtHeight)
                .array();
    }

    static Member decode(NodeId id, byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        long seniority = in.getLong();
        byte[] inviter = new byte[32];
        in.get(inviter);
        return new Member(id, seniority, NodeId.of(inviter), in.getLong());
    }
}
