package io.swiftserve.net;

import java.io.IOException;

/** The other side refused the handshake and said why (its ErrorReply). */
public final class HandshakeRefusedException extends IOException {
    public HandshakeRefusedException(String reason) {
        super(reason);
    }
}
