package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;

/** The parsed fields of a block header; the verbatim bytes live in {@link Block}. */
public record BlockHeader(Hash networkId, long height, Hash parentHash, long timestampMs, NodeId sealer, Hash txRoot) {}
