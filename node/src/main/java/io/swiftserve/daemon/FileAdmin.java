package io.swiftserve.daemon;

import io.swiftserve.admin.AdminApi.AdminException;
import io.swiftserve.admin.Views;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.FilePaths;
import io.swiftserve.chain.LedgerState;
import io.swiftserve.chain.Manifest;
import io.swiftserve.chain.Member;
import io.swiftserve.chain.Placement;
import io.swiftserve.chain.Transaction;
import io.swiftserve.identity.NodeId;
import io.swiftserve.transfer.ChunkLayout;
import io.swiftserve.transfer.FileImporter;
import io.swiftserve.transfer.TransferService;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The file half of the admin channel: add, rm, and the file list with per-node progress. */
final class FileAdmin {
    private final Node node;
    private final NodeAdmin admin;
    private final Map<String, Long> lastVersion = new ConcurrentHashMap<>();

    FileAdmin(Node node, NodeAdmin admin) {
        this.node = node;
        this.admin = admin;
    }

    Map<String, Object> add(String path, long size, InputStream content) throws AdminException {
        return add(path, size, content, Placement.Target.EVERYONE);
    }

    Map<String, Object> add(String path, long size, InputStream content, Placement.Target target)
            throws AdminException {
        return add(path, size, content, target, NO_CHECK);
    }

    /** What must still hold once a file's bytes are staged, before anything is published (else it throws). */
    interface StagedCheck {
        void check() throws AdminException;
    }

    static final StagedCheck NO_CHECK = () -> {};

    /** Stages {@code size} bytes of {@code content} and seals them as a version of {@code path}, unless {@code check} refuses. */
    synchronized Map<String, Object> add(
            String path, long size, InputStream content, Placement.Target target, StagedCheck check)
            throws AdminException {
        checkPath(path);
        FileImporter importer = new FileImporter(node.transfer());
        ChunkLayout layout = node.chain()
                .state()
                .file(path)
                .map(previous -> ChunkLayout.forNextVersion(size, previous.chunkSize()))
                .orElseGet(() -> ChunkLayout.forSize(size));
        FileImporter.Staged staged = stage(importer, content, layout);
        try {
            check.check();
        } catch (AdminException | RuntimeException e) {
            discard(importer, staged);
            throw e;
        }
        Manifest manifest = Manifest.ofFile(size, staged.layout().chunkSize(), staged.chunkHashes());
        return publish(path, size, importer, staged, manifest, target);
    }

    static void checkPath(String path) throws AdminException {
        String problem = FilePaths.problem(path);
        if (problem != null) {
            throw new AdminException("refusing path '" + path + "': " + problem);
        }
    }

    static FileImporter.Staged stage(FileImporter importer, InputStream content, ChunkLayout layout)
            throws AdminException {
        try {
            return importer.stage(content, layout);
        } catch (IOException e) {
            throw new AdminException("cannot take in the file: " + e.getMessage());
        }
    }

    /** Seals version {@code manifest} of {@code path}, its content staged; answers what the CLI prints. */
    synchronized Map<String, Object> publish(
            String path,
            long size,
            FileImporter importer,
            FileImporter.Staged staged,
            Manifest manifest,
            Placement.Target target)
            throws AdminException {
        long version = Math.max(
                        node.chain().state().file(path).map(FileEntry::version).orElse(0L),
                        lastVersion.getOrDefault(path, 0L))
                + 1;
        node.transfer().publishManifest(manifest);
        Transaction tx = admin.transactions().fileAdd(path, manifest, version, target);
        try {
            importer.adopt(staged, tx.id());
        } catch (IOException e) {
            discard(importer, staged);
            throw new AdminException("cannot store the file: " + e.getMessage());
        }
        Map<String, Object> out = admin.sealed(tx);
        lastVersion.put(path, version);
        out.put("path", path);
        out.put("fileId", tx.id().toString());
        out.put("version", version);
        out.put("size", size);
        out.put("chunks", staged.layout().chunkCount());
        out.put("chunkSize", staged.layout().chunkSize());
        node.chain()
                .state()
                .file(path)
                .filter(f -> f.fileId().equals(tx.id()))
                .ifPresent(f -> out.put(
                        "holders",
                        Placement.of(node.chain().state()).holders(f).stream()
                                .map(NodeId::toString)
                                .toList()));
        return out;
    }

    private static void discard(FileImporter importer, FileImporter.Staged staged) {
        try {
            importer.discard(staged);
        } catch (IOException ignored) {
            // a stale import-*.tmp is harmless and replaced by the next import
        }
    }

    Map<String, Object> remove(String path) throws AdminException {
        if (node.chain().state().file(path).isEmpty()) {
            throw new AdminException("no file '" + path + "' in the network");
        }
        var before = node.transfer().localCopies().versions().lastKept(path);
        boolean hadCopy = java.nio.file.Files.exists(node.transfer().shareDir().resolve(path));
        Map<String, Object> out = admin.sealed(admin.transactions().fileDelete(path));
        out.put("path", path);
        keptCopy(path, before, hadCopy).ifPresent(p -> out.put("keptAt", p.toString()));
        return out;
    }

    /**
     * Where this node's copy of a deleted path went: the removal runs on the transfer thread once the
     * block is in, moments after the seal, so it is waited for a little; none if there was no copy here.
     */
    private java.util.Optional<java.nio.file.Path> keptCopy(
            String path, java.util.Optional<java.nio.file.Path> before, boolean hadCopy) {
        var versions = node.transfer().localCopies().versions();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (hadCopy && versions.lastKept(path).equals(before) && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        var now = versions.lastKept(path);
        return now.equals(before) ? java.util.Optional.empty() : now;
    }

    List<Views.LocalFile> localFiles() {
        return node.transfer().localCopies().localOnly().stream()
                .map(e -> new Views.LocalFile(e.getKey(), e.getValue()))
                .toList();
    }

    List<Views.FileStatus> files() {
        return files(0, Integer.MAX_VALUE);
    }

    /** Files {@code offset} to {@code offset + limit} of the ledger's, by path, each with every member's progress. */
    List<Views.FileStatus> files(int offset, int limit) {
        LedgerState state = node.chain().state();
        List<Member> members = state.members();
        NodeId self = node.key().id();
        List<Views.FileStatus> out = new ArrayList<>();
        io.swiftserve.chain.Placement placement = Placement.of(state);
        for (FileEntry f : state.files().stream().skip(offset).limit(limit).toList()) {
            var progress = node.transfer().progress(f.fileId());
            int have = progress.map(TransferService.FileProgress::have).orElse(0);
            String fileState = progress.map(TransferService.FileProgress::state)
                    .orElse(node.transfer().holdsHere(state, f) ? "queued" : "elsewhere");
            List<Views.PeerProgress> nodes = new ArrayList<>();
            // a placed version lists only its holders: they are whom add --wait waits for
            java.util.Set<NodeId> holders = java.util.Set.copyOf(placement.holders(f));
            for (Member m :
                    members.stream().filter(m -> holders.contains(m.id())).toList()) {
                int n = m.id().equals(self)
                        ? have
                        : progress.map(p -> p.peers().getOrDefault(m.id(), 0)).orElse(0);
                nodes.add(new Views.PeerProgress(m.id().toString(), n, n == f.chunkCount()));
            }
            out.add(new Views.FileStatus(
                    f.path(),
                    f.version(),
                    f.size(),
                    f.chunkCount(),
                    have,
                    fileState,
                    f.fileId().toString(),
                    nodes,
                    node.transfer().localCopies().change(f.path()).orElse(null)));
        }
        return out;
    }

    /** The page {@link #files(int, int)} lists, and how many of all the files this node holds complete. */
    Views.FilePage page(int offset, int limit) {
        List<FileEntry> all = node.chain().state().files();
        int complete = 0;
        for (FileEntry f : all) {
            if (node.transfer().holds(f.fileId())) {
                complete++;
            }
        }
        return new Views.FilePage(all.size(), offset, limit, complete);
    }
}
