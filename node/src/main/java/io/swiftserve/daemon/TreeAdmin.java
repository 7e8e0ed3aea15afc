package io.swiftserve.daemon;

import io.swiftserve.admin.AdminApi.AdminException;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.Manifest;
import io.swiftserve.chain.TreeEntries;
import io.swiftserve.chain.TreeEntry;
import io.swiftserve.transfer.FileImporter;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tree half of the admin channel: publishing a directory as one version (its entry list, then
 * its files' bytes, over the same stream), and listing a tree's entries from its manifest.
 */
final class TreeAdmin {
    /** An entry list longer than this is refused before it is read (1,000,000 entries of long paths fit). */
    static final long MAX_ENTRIES_BYTES = 512L << 20;

    private final Node node;
    private final FileAdmin files;

    TreeAdmin(Node node, FileAdmin files) {
        this.node = node;
        this.files = files;
    }

    Map<String, Object> add(
            String path, long size, long entriesLength, InputStream body, io.swiftserve.chain.Placement.Target target)
            throws AdminException {
        FileAdmin.checkPath(path);
        if (entriesLength > MAX_ENTRIES_BYTES) {
            throw new AdminException(
                    "refusing tree '" + path + "': its entry list is over " + MAX_ENTRIES_BYTES + " bytes");
        }
        List<TreeEntry> entries;
        try {
            byte[] list = body.readNBytes((int) entriesLength);
            if (list.length != entriesLength) {
                throw new AdminException(
                        "the entry list ended after " + list.length + " of " + entriesLength + " bytes");
            }
            entries = TreeEntry.decode(list);
        } catch (IOException e) {
            throw new AdminException("cannot take in the tree: " + e.getMessage());
        } catch (InvalidException e) {
            throw new AdminException("refusing tree '" + path + "': " + e.getMessage());
        }
        return publish(path, size, entries, body, target, FileAdmin.NO_CHECK);
    }

    /**
     * Stages the {@code size} bytes of the files of {@code entries} from {@code content} (in list
     * order) and seals the tree as version of {@code path}, unless {@code check} refuses once they
     * are read. The one way a tree is staged, whether its bytes came over the admin stream or the
     * daemon read them itself.
     */
    Map<String, Object> publish(
            String path,
            long size,
            List<TreeEntry> entries,
            InputStream content,
            io.swiftserve.chain.Placement.Target target,
            FileAdmin.StagedCheck check)
            throws AdminException {
        try {
            // every node checks the list as it takes the block: refused here, nothing is read
            TreeEntries.check(entries, size);
        } catch (InvalidException e) {
            throw new AdminException("refusing tree '" + path + "': " + e.getMessage());
        }
        FileImporter importer = new FileImporter(node.transfer());
        FileImporter.Staged staged;
        try {
            staged = importer.stageTree(content, size, entries, current(path));
        } catch (IOException e) {
            throw new AdminException("cannot take in the tree: " + e.getMessage());
        }
        Manifest manifest;
        try {
            check.check();
            manifest = Manifest.ofTree(size, staged.layout().chunkSize(), staged.chunkHashes(), entries);
        } catch (InvalidException e) {
            discard(importer, staged);
            throw new AdminException("refusing tree '" + path + "': " + e.getMessage());
        } catch (AdminException | RuntimeException e) {
            discard(importer, staged);
            throw e;
        }
        Map<String, Object> out = files.publish(path, size, importer, staged, manifest, target);
        out.put("entries", entries.size());
        out.put("bytesHashed", size - staged.unhashed());
        out.put("files", entries.stream().filter(e -> !e.directory()).count());
        return out;
    }

    /** The manifest of the version of {@code path} this node holds the ledger's word for, if here. */
    private Manifest current(String path) {
        return node.chain()
                .state()
                .file(path)
                .flatMap(f -> node.transfer().manifests().get(f.manifest()))
                .orElse(null);
    }

    Map<String, Object> entries(String path) throws AdminException {
        FileEntry f = node.chain()
                .state()
                .file(path)
                .orElseThrow(() -> new AdminException("no file '" + path + "' in the network"));
        Manifest m = node.transfer()
                .manifests()
                .get(f.manifest())
                .orElseThrow(() -> new AdminException("the manifest of '" + path + "' has not reached this node yet"));
        if (!m.isTree()) {
            throw new AdminException("'" + path + "' is a file, not a tree");
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (TreeEntry e : m.entries()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("path", e.path());
            one.put("size", e.size());
            one.put("mode", String.format("%04o", e.mode()));
            one.put("mtimeMs", e.mtimeMs());
            one.put("directory", e.directory());
            list.add(one);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", path);
        out.put("version", f.version());
        out.put("size", f.size());
        out.put("fileId", f.fileId().toString());
        out.put("entries", list);
        return out;
    }

    /** Every tree of the ledger whose manifest is here, with its file count. */
    Map<String, Integer> counts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (FileEntry f : node.chain().state().files()) {
            node.transfer()
                    .manifests()
                    .get(f.manifest())
                    .filter(Manifest::isTree)
                    .ifPresent(m -> out.put(f.path(), (int)
                            m.entries().stream().filter(e -> !e.directory()).count()));
        }
        return out;
    }

    private static void discard(FileImporter importer, FileImporter.Staged staged) {
        try {
            importer.discard(staged);
        } catch (IOException ignored) {
            // a stale import-*.tmp is harmless and replaced by the next import
        }
    }
}
