package io.swiftserve.store;

import java.nio.charset.StandardCharsets;

/**
 * The key spaces of a node's store, each a RocksDB column family. The names are on disk: never
 * rename one; add new segments at the end.
 */
public enum Segment {
    /** block hash -> Block bytes (main chain and side branches). */
    BLOCKS("blocks"),
    /** height (8 bytes, big-endian) -> main-chain block hash. */
    HEIGHTS("heights"),
    /** ledger state: members, used invites, files (see chain.StateKeys). */
    STATE("state"),
    /** block hash -> the state entries that block overwrote, to roll it back on a reorg. */
    UNDO("undo"),
    /** single values: chain head and similar. */
    META("meta"),
    /** node key -> signed peer record (the address book). */
    PEERS("peers"),
    /** transaction id -> signed transaction not yet on the main chain. */
    POOL("pool"),
    /** file id -> bitmap of verified chunks held here. */
    BITMAPS("bitmaps"),
    /** file id ++ node key -> how many chunks of the file that peer last said it held. */
    PEER_HOLDS("peerholds"),
    /** manifest hash -> the manifest's bytes (chain.Manifest), for every version this node holds. */
    MANIFESTS("manifests");

    private final String columnFamily;

    Segment(String columnFamily) {
        this.columnFamily = columnFamily;
    }

    public byte[] columnFamilyName() {
        return columnFamily.getBytes(StandardCharsets.US_ASCII);
    }
}
