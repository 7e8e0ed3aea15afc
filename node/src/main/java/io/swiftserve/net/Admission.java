package io.swiftserve.net;

/** The outcome of authenticating a peer: what it may do on this connection. */
public record Admission(Role role, String reason) {
    public enum Role {
        /** A current member: everything. */
        MEMBER,
        /** A key holding a valid invite: only the join exchange, until its join is sealed. */
        JOINER,
        REFUSED
    }

    public static Admission member() {
        return new Admission(Role.MEMBER, "");
    }

    public static Admission joiner() {
        return new Admission(Role.JOINER, "");
    }

    public static Admission refused(String reason) {
        return new Admission(Role.REFUSED, reason);
    }
}
