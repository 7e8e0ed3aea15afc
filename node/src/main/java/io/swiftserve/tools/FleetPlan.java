package io.swiftserve.tools;

import io.swiftserve.chain.Hash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What the fleet load generator needs to know of a data dir {@link FleetSetup} prepared: the
 * network id, the member seeds it plays (secrets: the file is written owner-only) and the file
 * versions it announces and requests. One line per item, so a script can count them with grep.
 */
public record FleetPlan(Hash network, List<byte[]> members, List<FileVersion> files) {
    private static final HexFormat HEX = HexFormat.of();

    public record FileVersion(Hash fileId, int chunks) {}

    public void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("network " + HEX.formatHex(network.bytes()));
        members.forEach(seed -> lines.add("member " + HEX.formatHex(seed)));
        files.forEach(f -> lines.add("file " + HEX.formatHex(f.fileId().bytes()) + " " + f.chunks()));
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, lines);
    }

    public static FleetPlan read(Path file) throws IOException {
        Hash network = null;
        List<byte[]> members = new ArrayList<>();
        List<FileVersion> files = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split(" ");
            switch (f[0]) {
                case "network" -> network = Hash.of(HEX.parseHex(f[1]));
                case "member" -> members.add(HEX.parseHex(f[1]));
                case "file" -> files.add(new FileVersion(Hash.of(HEX.parseHex(f[1])), Integer.parseInt(f[2])));
                default -> throw new IOException(file + ": unknown line '" + line + "'");
            }
        }
        if (network == null) {
            throw new IOException(file + " names no network");
        }
        return new FleetPlan(network, members, files);
    }
}
