package io.swiftserve.chain;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;

/**
 * One entry of a directory tree's manifest: a file (its bytes are the next {@code size} of the
 * content) or an empty directory. {@code mode} is 0755 or 0644 for a file, 0 for a directory.
 */
public record TreeEntry(String path, long size, int mode, long mtimeMs, boolean directory) {
    public static final int EXECUTABLE = 0755;
    public static final int REGULAR = 0644;

    static TreeEntry of(io.swiftserve.proto.ManifestEntry e) {
        return new TreeEntry(e.getPath(), e.getSize(), e.getMode(), e.getMtimeMs(), e.getDirectory());
    }

    io.swiftserve.proto.ManifestEntry proto() {
        return io.swiftserve.proto.ManifestEntry.newBuilder()
                .setPath(path)
                .setSize(size)
                .setMode(mode)
                .setMtimeMs(mtimeMs)
                .setDirectory(directory)
                .build();
    }

    /**
     * An entry list as the admin channel carries it ahead of a tree's content: the bytes of a
     * {@code Manifest} message holding only its entries, so there is one encoding of a tree.
     */
    public static byte[] encode(List<TreeEntry> entries) {
        return io.swiftserve.proto.Manifest.newBuilder()
                .addAllEntries(entries.stream().map(TreeEntry::proto).toList())
                .build()
                .toByteArray();
    }

    public static List<TreeEntry> decode(byte[] bytes) throws InvalidException {
        try {
            return io.swiftserve.proto.Manifest.parseFrom(bytes).getEntriesList().stream()
                    .map(TreeEntry::of)
                    .toList();
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidException("the entry list is not readable: " + e.getMessage());
        }
    }
}
