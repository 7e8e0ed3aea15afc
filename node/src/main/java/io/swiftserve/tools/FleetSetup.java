package io.swiftserve.tools;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.ImportResult;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.chain.Manifest;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.Transactions;
import io.swiftserve.daemon.NodeInit;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Sha256;
import io.swiftserve.store.Bytes;
import io.swiftserve.store.RocksDbStore;
import io.swiftserve.store.Segment;
import io.swiftserve.transfer.ChunkLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Prepares a data dir for the fleet load benchmark before its daemon starts: founds a network, puts
 * {@code members} more member keys on the chain (each joined through its own invite, as a real join
 * is recorded) and {@code files} complete file versions, on the chain, on disk and recorded as
 * held. Sealing offline, many transactions a block, is what makes 10,000 versions take seconds
 * instead of 10,000 {@code swiftserve add} round trips; every block still goes through
 * {@link Blockchain#importBlock}, so the daemon reads a chain its own rules accepted.
 *
 * <p>The load generator's side (member seeds, network id, file ids) goes to a plan file, see
 * {@link FleetPlan}.
 */
public final class FleetSetup {
    /** Transactions per block: far under the 3 MiB block limit (a FileAdd is ~250 bytes). */
    private static final int PER_BLOCK = 2_000;

    private static final String LOCAL_PREFIX = "local/"; // transfer.LocalFiles' key: path -> version on disk

    private FleetSetup() {}

    /** Writes the data dir and returns the plan the load generator needs. */
    public static FleetPlan prepare(Path dataDir, int members, int files, int fileBytes) throws IOException {
        return prepare(dataDir, members, files, fileBytes, 1);
    }

    /**
     * As above, each path published {@code history} times: the chain holds files × versions
     * FileAdds (a long history, as a joiner of an old network meets it) and the disk the last one.
     * The earlier versions' manifests name chunks nobody holds: no node asks for a replaced version.
     */
    public static FleetPlan prepare(Path dataDir, int members, int files, int fileBytes, int history)
            throws IOException {
        Clock clock = Clock.systemUTC();
        NodeInit.Founded founded = NodeInit.found(dataDir, "fleet-load", clock);
        NodeKey founder = founded.key();
        Path share = dataDir.resolve("files");
        Files.createDirectories(share);
        List<byte[]> seeds = new ArrayList<>();
        List<FleetPlan.FileVersion> versions = new ArrayList<>();
        try (RocksDbStore store = RocksDbStore.open(dataDir.resolve(NodeInit.DB_DIR))) {
            Blockchain chain = Blockchain.open(store, clock).orElseThrow();
            Hash network = chain.networkId();
            Transactions own = new Transactions(founder, network, clock);
            List<Transaction> pending = new ArrayList<>();
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < members; i++) {
                byte[] seed = new byte[32];
                random.nextBytes(seed);
                seeds.add(seed);
                NodeKey member = NodeKey.fromSeed(seed);
                InviteToken invite = InviteToken.create(founder, network, Duration.ofHours(1), List.of(), clock);
                pending.add(new Transactions(member, network, clock).join(invite));
            }
            seal(chain, founder, pending);
            int chunkSize = ChunkLayout.forSize(fileBytes).chunkSize();
            for (int v = 1; v < history; v++) {
                for (int i = 0; i < files; i++) {
                    byte[] hashes = new byte
                            [Sha256.LENGTH
                                    * ChunkLayout.of(fileBytes, chunkSize).chunkCount()];
                    random.nextBytes(hashes);
                    pending.add(own.fileAdd(path(i), Manifest.ofFile(fileBytes, chunkSize, hashes), v));
                    if (pending.size() == PER_BLOCK) {
                        seal(chain, founder, pending);
                    }
                }
            }
            for (int i = 0; i < files; i++) {
                String path = path(i);
                byte[] content = new byte[fileBytes];
                new SplittableRandom(i * 0x9E3779B97F4A7C15L + fileBytes).nextBytes(content);
                Path target = share.resolve(path);
                Files.createDirectories(target.getParent());
                Files.write(target, content);
                Manifest manifest = Manifest.ofFile(fileBytes, chunkSize, chunkHashes(content, chunkSize));
                Transaction tx = own.fileAdd(path, manifest, history);
                // what a publisher stores before it submits the FileAdd, and what Completion records
                // once the file is renamed into place
                store.batch()
                        .put(Segment.MANIFESTS, manifest.hash().bytes(), manifest.bytes())
                        .put(
                                Segment.META,
                                Bytes.prefixed(LOCAL_PREFIX, path),
                                tx.id().bytes())
                        .commit();
                pending.add(tx);
                versions.add(new FleetPlan.FileVersion(tx.id(), manifest.chunkCount()));
                if (pending.size() == PER_BLOCK) {
                    seal(chain, founder, pending);
                }
            }
            seal(chain, founder, pending);
            return new FleetPlan(network, seeds, versions);
        }
    }

    private static String path(int i) {
        return String.format("fleet/%03d/file%05d.bin", i / 100, i);
    }

    private static byte[] chunkHashes(byte[] content, int chunkSize) {
        ChunkLayout layout = ChunkLayout.of(content.length, chunkSize);
        byte[] hashes = new byte[Sha256.LENGTH * layout.chunkCount()];
        for (int c = 0; c < layout.chunkCount(); c++) {
            int from = (int) layout.offset(c);
            byte[] chunk = java.util.Arrays.copyOfRange(content, from, from + layout.length(c));
            System.arraycopy(Sha256.hash(chunk), 0, hashes, c * Sha256.LENGTH, Sha256.LENGTH);
        }
        return hashes;
    }

    private static void seal(Blockchain chain, NodeKey sealer, List<Transaction> txs) throws IOException {
        if (txs.isEmpty()) {
            return;
        }
        Block head = chain.head();
        long ts = Math.max(System.currentTimeMillis(), head.header().timestampMs());
        Block block = Block.seal(sealer, chain.networkId(), head.height() + 1, head.hash(), ts, txs);
        ImportResult result = chain.importBlock(block);
        if (!result.changedHead()) {
            throw new IOException("the chain refused block " + block.height() + ": " + result.reason());
        }
        txs.clear();
    }

    /** {@code FleetSetup DATA_DIR MEMBERS FILES FILE_BYTES PLAN_FILE [VERSIONS]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 5 && args.length != 6) {
            System.err.println("usage: FleetSetup DATA_DIR MEMBERS FILES FILE_BYTES PLAN_FILE [VERSIONS]");
            System.exit(2);
        }
        long start = System.nanoTime();
        int versions = args.length == 6 ? Integer.parseInt(args[5]) : 1;
        FleetPlan plan = prepare(
                Path.of(args[0]),
                Integer.parseInt(args[1]),
                Integer.parseInt(args[2]),
                Integer.parseInt(args[3]),
                versions);
        plan.write(Path.of(args[4]));
        System.out.printf(
                "fleet data dir %s: %d members, %d files of %s bytes (%d versions each), network %s, in %.1f s%n",
                args[0],
                plan.members().size(),
                plan.files().size(),
                args[3],
                versions,
                HexFormat.of().formatHex(plan.network().bytes()).substring(0, 12),
                (System.nanoTime() - start) / 1e9);
    }
}
