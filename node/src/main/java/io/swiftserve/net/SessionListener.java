package io.swiftserve.net;

/** Sessions coming and going; called on the connection's event loop. */
public interface SessionListener {
    SessionListener NONE = new SessionListener() {
        @Override
        public void sessionUp(PeerSession session) {}

        @Override
        public void sessionDown(PeerSession session) {}
    };

    void sessionUp(PeerSession session);

    void sessionDown(PeerSession session);
}
