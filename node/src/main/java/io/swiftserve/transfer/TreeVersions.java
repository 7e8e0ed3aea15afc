package io.swiftserve.transfer;

import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Manifest;
import io.swiftserve.util.LogText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The checks {@link Reconciler#open} makes of a version's manifest, and the opening of a complete tree. */
final class TreeVersions {
    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private final LocalFiles local;
    private final Swarm swarm;
    private final Completion completion;
    private final Path partialDir;

    TreeVersions(LocalFiles local, Swarm swarm, Completion completion, Path partialDir) {
        this.local = local;
        this.swarm = swarm;
        this.completion = completion;
        this.partialDir = partialDir;
    }

    /** Versions whose manifest was refused here, each said once in the log. */
    private final Set<Hash> refused = new HashSet<>();

    /**
     * Whether {@code manifest} describes {@code f} and, for a tree, lists harmless entries: checked
     * here as well as on arrival, since a publisher's own manifest (or one stored by an older run)
     * never went through the exchange. A refused version is not downloaded, as one whose manifest
     * does not match its hash.
     */
    boolean acceptable(FileEntry f, Manifest manifest) {
        try {
            manifest.check(f);
            return true;
        } catch (io.swiftserve.chain.InvalidException e) {
            if (refused.add(f.fileId())) {
                log.warn(
                        "{} v{} cannot be fetched: its manifest is refused ({})",
                        LogText.escape(f.path()),
                        f.version(),
                        LogText.escape(e.getMessage()));
            }
            return false;
        }
    }

    /**
     * A tree version whose content file is complete here: served from it at once, and written out
     * again if its symlink does not point to it (a crash between the content and the swap, or a
     * user who deleted it). False if the content is not here: it is downloaded as any version.
     */
    boolean openComplete(FileEntry f, ChunkLayout layout, boolean inPlace, ChunkBitmap have) throws IOException {
        Path target = local.target(f.path());
        Path content = local.trees().content(target, f.fileId());
        boolean partial = Files.exists(partialDir.resolve(f.fileId() + ".part"));
        if (partial
                || !(inPlace || have.isComplete())
                || !Files.isRegularFile(content)
                || Files.size(content) != f.size()) {
            return false;
        }
        Download d = Download.complete(f, layout, content);
        swarm.add(d);
        if (!inPlace || !local.trees().inPlace(target, f.fileId())) {
            log.info(
                    "{} v{}: writing out the tree again from its complete content",
                    LogText.escape(f.path()),
                    f.version());
            completion.finish(d);
        }
        return true;
    }
}
