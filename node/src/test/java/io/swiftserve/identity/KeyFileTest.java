package io.swiftserve.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class KeyFileTest {
    @TempDir
    Path dir;

    @Test
    void createsTheKeyOwnerOnlyAndLoadsItBack() throws IOException {
        Path dataDir = dir.resolve("data");
        assertThat(KeyFile.exists(dataDir)).isFalse();

        NodeKey created = KeyFile.create(dataDir);

        Path file = dataDir.resolve(KeyFile.NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(KeyFile.exists(dataDir)).isTrue();
        NodeKey loaded = KeyFile.load(dataDir);
        assertThat(loaded.id()).isEqualTo(created.id());
        byte[] message = "hello".getBytes();
        assertThat(Signatures.verify(
                        created.id(), Signatures.Domain.AUTH, message, loaded.sign(Signatures.Domain.AUTH, message)))
                .isTrue();
        assertThat(KeyFile.loadOrCreate(dataDir).id()).isEqualTo(created.id());
    }

    @Test
    void refusesToOverwriteAnExistingKey() throws IOException {
        NodeKey first = KeyFile.create(dir);
        assertThatThrownBy(() -> KeyFile.create(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("already exists");
        assertThat(KeyFile.load(dir).id()).isEqualTo(first.id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r--r--", "rw-rw----", "rw----r--", "rw-r-----"})
    void refusesAKeyFileOthersCanRead(String mode) throws IOException {
        KeyFile.create(dir);
        Files.setPosixFilePermissions(dir.resolve(KeyFile.NAME), PosixFilePermissions.fromString(mode));
        assertThatThrownBy(() -> KeyFile.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("chmod 600");
    }

    @Test
    void acceptsAReadOnlyOwnerKey() throws IOException {
        NodeKey created = KeyFile.create(dir);
        Files.setPosixFilePermissions(dir.resolve(KeyFile.NAME), PosixFilePermissions.fromString("r--------"));
        assertThat(KeyFile.load(dir).id()).isEqualTo(created.id());
    }

    @Test
    void missingOrMalformedKeyIsAnIOException() throws IOException {
        assertThatThrownBy(() -> KeyFile.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no node key");
        Path file = Files.createFile(
                dir.resolve(KeyFile.NAME),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "not hex\n");
        assertThatThrownBy(() -> KeyFile.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("valid key");
        Files.writeString(file, "abcd\n");
        assertThatThrownBy(() -> KeyFile.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("valid key");
    }

    @Test
    void seedRoundTripsToTheSameKey() {
        NodeKey key = NodeKey.generate();
        assertThat(NodeKey.fromSeed(key.seed()).id()).isEqualTo(key.id());
        assertThatThrownBy(() -> NodeKey.fromSeed(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }
}
