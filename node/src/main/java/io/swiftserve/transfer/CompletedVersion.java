package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import java.nio.file.Path;

/** A version that just became complete on this node: where it is, and which one it is. */
public record CompletedVersion(String path, long version, Hash fileId, long size, Hash manifestHash, Path file) {}
