package io.swiftserve.net;

import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.ErrorReply;

/** Short-hands for building envelopes. */
public final class Envelopes {
    private Envelopes() {}

    public static Envelope error(ErrorCode code, String message) {
        return Envelope.newBuilder()
                .setError(ErrorReply.newBuilder().setCode(code.wire()).setMessage(message))
                .build();
    }
}
