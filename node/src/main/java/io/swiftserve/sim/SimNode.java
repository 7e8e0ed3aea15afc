package io.swiftserve.sim;

import io.swiftserve.chain.BlockSealer;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Manifest;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.TransactionPool;
import io.swiftserve.chain.Transactions;
import io.swiftserve.daemon.SessionFanout;
import io.swiftserve.gossip.AddressBook;
import io.swiftserve.gossip.ChainGossip;
import io.swiftserve.gossip.MembershipPolicy;
import io.swiftserve.gossip.Overlay;
import io.swiftserve.gossip.PeerExchange;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Sha256;
import io.swiftserve.net.LocalPeer;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.store.InMemoryStore;
import io.swiftserve.transfer.ChunkLayout;
import io.swiftserve.transfer.FileImporter;
import io.swiftserve.transfer.TransferService;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;

/**
 * One simulated member: the daemon's own chain, pool, sealer, gossip, overlay, peer exchange and
 * transfer classes, wired as {@code daemon.Node} wires them, over a {@link SimFabric} instead of
 * sockets, an in-memory store instead of RocksDB, and executors of the shared virtual clock. The
 * admin channel, status page and collaborative fetch are left out: nothing in them decides who sends
 * what to whom.
 */
final class SimNode {
    private final NodeKey key;
    private final InMemoryStore store;
    private final SimNet net;
    private final SimNet.Host host;
    private final Path dir;
    private final Clock clock;
    private final SimExecutor loop;
    private final SimExecutor chainThread;
    private final SimExecutor timer;
    private final SimExecutor transferThread;
    private Blockchain chain;
    private TransactionPool pool;
    private PeerNetwork network;
    private ChainGossip gossip;
    private TransferService transfer;
    private int published;

    SimNode(NodeKey key, InMemoryStore store, SimNet net, SimNet.Host host, Path dir, Clock clock) {
        this.key = key;
        this.store = store;
        this.net = net;
        this.host = host;
        this.dir = dir;
        this.clock = clock;
        this.loop = new SimExecutor(net.scheduler, host.ip + "/loop");
        this.chainThread = new SimExecutor(net.scheduler, host.ip + "/chain");
        this.timer = new SimExecutor(net.scheduler, host.ip + "/timer");
        this.transferThread = new SimExecutor(net.scheduler, host.ip + "/transfer");
    }

    void start(List<InetSocketAddress> bootstrap, Overlay.Options overlayOptions, long seed) throws IOException {
        chain = Blockchain.open(store, clock).orElseThrow(() -> new IOException("no chain in the store"));
        MessageRouter router = new MessageRouter().hold();
        SessionFanout sessions = new SessionFanout();
        MembershipPolicy admission = new MembershipPolicy(chain, clock, key.id());
        network = new PeerNetwork(
                new LocalPeer(key, chain.networkId(), host.ip, SimFabric.PORT),
                admission,
                router,
                sessions,
                new SimFabric(net, host, loop));
        network.bind(host.ip, SimFabric.PORT);
        pool = new TransactionPool(store, chain, clock, key.id());
        MembershipPolicy.Members members = new MembershipPolicy.Members(chain);
        gossip = new ChainGossip(chain, pool, new BlockSealer(chain, pool, key, clock), chainThread, network);
        gossip.register(router);
        AddressBook book = new AddressBook(store, chain.networkId(), members::contains);
        book.publishSelf(key, List.of(host.ip + ":" + SimFabric.PORT), clock);
        Files.createDirectories(dir.resolve("partial"));
        transfer = new TransferService(
                chain,
                store,
                network,
                dir.resolve("files"),
                dir.resolve("partial"),
                pool::pendingFileAdds,
                new TransferService.Workers(transferThread, transferThread, transferThread, true));
        transfer.register(router);
        Overlay overlay = new Overlay(network, book, chain, bootstrap, overlayOptions, new Random(seed));
        PeerExchange exchange = new PeerExchange(network, book, overlay, timer);
        exchange.register(router);
        sessions.onUp(s -> {
            if (!overlay.admit(s)) {
                return;
            }
            gossip.sessionUp(s);
            exchange.sessionUp(s);
            transfer.sessionUp(s);
        });
        sessions.onDown(transfer::sessionDown);
        network.setMembershipCheck(members::contains);
        chain.addListener((removed, added) -> timer.execute(() -> {
            network.enforceMembership();
            book.retainMembers();
        }));
        gossip.start();
        exchange.start();
        transfer.start();
        sessions.open();
        router.release();
    }

    /**
     * Publishes version 1 of {@code path}, {@code size} bytes whose chunk {@code i} is the token of
     * ({@code contentSeed}, i), as the admin channel's add does: manifest kept, data adopted as a
     * complete partial file (sparse: its bytes are never read), the FileAdd submitted for sealing.
     */
    Hash publish(String path, long size, long contentSeed) throws IOException {
        ChunkLayout layout = ChunkLayout.forSize(size);
        byte[] hashes = new byte[Sha256.LENGTH * layout.chunkCount()];
        for (int i = 0; i < layout.chunkCount(); i++) {
            ByteBuffer token = SimNet.tokenOf(contentSeed, i);
            byte[] h = Sha256.hash(java.util.Arrays.copyOf(token.array(), token.remaining()));
            System.arraycopy(h, 0, hashes, i * Sha256.LENGTH, Sha256.LENGTH);
        }
        Manifest manifest = Manifest.ofFile(size, layout.chunkSize(), hashes);
        transfer.publishManifest(manifest);
        Transaction tx = new Transactions(key, chain.networkId(), clock).fileAdd(path, manifest, 1);
        Path staged = dir.resolve("partial").resolve("import-" + published++ + ".tmp");
        try (RandomAccessFile f = new RandomAccessFile(staged.toFile(), "rw")) {
            f.setLength(size);
        }
        new FileImporter(transfer).adopt(new FileImporter.Staged(staged, layout, hashes, 0), tx.id());
        net.registerContent(tx.id(), contentSeed);
        gossip.submit(tx);
        return tx.id();
    }

    /** Whether this node holds every chunk of version {@code fileId}, verified. */
    boolean holds(Hash fileId) {
        return transfer.holds(fileId);
    }

    /** Calls {@code seen} with the virtual time at which transaction {@code txId} first reaches this node's chain. */
    void whenSealed(Hash txId, java.util.function.LongConsumer seen) {
        boolean[] done = {chain.state().includes(txId)};
        if (done[0]) {
            seen.accept(net.scheduler.nanos());
            return;
        }
        chain.addListener((removed, added) -> {
            if (!done[0]
                    && added.stream().anyMatch(b -> b.transactions().stream().anyMatch(t -> t.id().equals(txId)))) {
                done[0] = true;
                seen.accept(net.scheduler.nanos());
            }
        });
    }

    /** Counts the head changes that dropped blocks (this node saw a fork lose) into {@code reorgs}. */
    void countReorgs(int[] reorgs) {
        chain.addListener((removed, added) -> {
            if (!removed.isEmpty()) {
                reorgs[0]++;
            }
        });
    }

    /** Whether the transaction is in a block of this node's main chain. */
    boolean sealed(Hash txId) {
        return chain.state().includes(txId);
    }

    int degree() {
        return network.sessions().size();
    }

    /** Member sessions this node dialled. */
    int outbound() {
        return (int) network.sessions().stream().filter(s -> s.outbound()).count();
    }

    NodeKey key() {
        return key;
    }

    Blockchain chain() {
        return chain;
    }

    PeerNetwork network() {
        return network;
    }

    SimNet.Host host() {
        return host;
    }

    /** HaveChunks messages this node sent since it started ({@link TransferService#haveAnnouncements}). */
    long[] haveAnnouncements() {
        return transfer.haveAnnouncements();
    }

    String address() {
        return host.ip + ":" + SimFabric.PORT;
    }
}
