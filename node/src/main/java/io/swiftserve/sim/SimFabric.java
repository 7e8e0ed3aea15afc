package io.swiftserve.sim;

import io.swiftserve.net.Admission;
import io.swiftserve.net.Fabric;
import io.swiftserve.net.HandshakeRefusedException;
import io.swiftserve.net.LocalPeer;
import io.swiftserve.net.PeerSession;
import io.swiftserve.net.Transport;
import io.swiftserve.proto.Join;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One node's connections in the simulation. Dialling takes one latency to reach the listener, whose
 * real admission decides; the dialler's session is up one latency later. Key proofs and TLS are not
 * simulated: every node holds its own key and nothing on the simulated wire is hostile.
 */
final class SimFabric implements Fabric {
    static final int PORT = 7000;

    private final SimNet net;
    private final SimNet.Host host;
    private final SimExecutor loop;
    private Endpoint endpoint;
    private boolean bound;

    SimFabric(SimNet net, SimNet.Host host, SimExecutor loop) {
        this.net = net;
        this.host = host;
        this.loop = loop;
    }

    SimNet.Host host() {
        return host;
    }

    @Override
    public int bind(String bindHost, int port, Endpoint endpoint) {
        this.endpoint = endpoint;
        this.bound = true;
        net.listen(host.ip + ":" + PORT, this);
        return PORT;
    }

    @Override
    public CompletableFuture<PeerSession> connect(InetSocketAddress address, Join invite, Endpoint mine) {
        CompletableFuture<PeerSession> result = new CompletableFuture<>();
        String to = address.getHostString() + ":" + address.getPort();
        net.scheduler.after(net.latencyNanos, () -> {
            SimFabric target = net.listener(to);
            if (target == null || !target.bound || !net.reachable(host, target.host)) {
                fail(result, new IOException("connection refused: " + to));
                return;
            }
            LocalPeer me = mine.local();
            LocalPeer them = target.endpoint.local();
            Admission theirs = target.endpoint.admit(me.key().id(), invite);
            Admission ours = mine.admit(them.key().id(), null);
            if (theirs.role() == Admission.Role.REFUSED || ours.role() == Admission.Role.REFUSED) {
                String why = theirs.role() == Admission.Role.REFUSED ? theirs.reason() : ours.reason();
                fail(result, new HandshakeRefusedException(why));
                return;
            }
            SimLink dialler = new SimLink(net, host, target.host, loop, mine);
            SimLink listener = new SimLink(net, target.host, host, target.loop, target.endpoint);
            net.opened(dialler);
            dialler.peer = listener;
            listener.peer = dialler;
            listener.session = new PeerSession(listener, me.key().id(), false, listenOf(me), theirs.role());
            dialler.session = new PeerSession(dialler, them.key().id(), true, listenOf(them), ours.role());
            target.loop.execute(() -> target.endpoint.established(listener.session));
            net.scheduler.after(
                    net.latencyNanos,
                    () -> loop.execute(() -> {
                        mine.established(dialler.session);
                        result.complete(dialler.session);
                    }));
        });
        return result;
    }

    private void fail(CompletableFuture<PeerSession> result, IOException e) {
        net.scheduler.after(net.latencyNanos, () -> result.completeExceptionally(e));
    }

    private static String listenOf(LocalPeer p) {
        return p.listenPort() == 0 ? "" : p.listenHost() + ":" + p.listenPort();
    }

    @Override
    public int listenPort() {
        return bound ? PORT : -1;
    }

    @Override
    public Transport transport() {
        return Transport.CLEARTEXT;
    }

    @Override
    public String describe() {
        return "simulated";
    }

    @Override
    public void close() {
        bound = false;
    }
}
