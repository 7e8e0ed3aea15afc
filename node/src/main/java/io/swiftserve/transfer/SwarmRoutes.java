package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.net.PeerSession;
import java.util.concurrent.Executor;

/**
 * Where each decoded swarm message goes: announcements through the {@link SwarmInbox}, chunk
 * requests straight to the uploads on the session's event loop, everything else onto the transfer
 * thread. Apart from {@link TransferService} so the threading of every message reads in one place.
 */
final class SwarmRoutes implements SwarmMessages.Handlers {
    private final SwarmInbox inbox;
    private final Swarm swarm;
    private final Uploads uploads;
    private final ManifestExchange manifests;
    private final Executor thread;

    SwarmRoutes(SwarmInbox inbox, Swarm swarm, Uploads uploads, ManifestExchange manifests, Executor thread) {
        this.inbox = inbox;
        this.swarm = swarm;
        this.uploads = uploads;
        this.manifests = manifests;
        this.thread = thread;
    }

    @Override
    public void bitmap(PeerSession from, SwarmInbound.Bitmap m) {
        inbox.bitmap(from, m);
    }

    @Override
    public void have(PeerSession from, SwarmInbound.Have m) {
        inbox.have(from, m);
    }

    @Override
    public void complete(PeerSession from, SwarmInbound.Complete m) {
        inbox.complete(from, m);
    }

    @Override
    public void refusal(PeerSession from, SwarmInbound.Refusal m) {
        thread.execute(() -> swarm.onReject(from, m));
    }

    @Override
    public void request(PeerSession from, SwarmInbound.ChunkAsk m) {
        uploads.onRequest(from, m);
    }

    @Override
    public void cancel(PeerSession from, SwarmInbound.ChunkAsk m) {
        uploads.onCancel(from, m);
    }

    @Override
    public void manifestAsk(PeerSession from, Hash manifest) {
        thread.execute(() -> manifests.onGet(from, manifest));
    }

    @Override
    public void manifestData(PeerSession from, SwarmInbound.ManifestReply m) {
        thread.execute(() -> manifests.onData(from, m));
    }
}
