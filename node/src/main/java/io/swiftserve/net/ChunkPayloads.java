package io.swiftserve.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.ssl.SslHandler;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The payload of a chunk frame as the connection can carry it. Cleartext: a {@link DefaultFileRegion},
 * sent by sendfile without a copy in user space (the region closes the file). TLS cannot encrypt a file
 * region, so there the bytes are read with one positional read loop into a pooled direct buffer, which
 * the TLS handler encrypts; the file is closed at once. Either way the message counts towards the
 * channel's write-buffer water marks with its full length, so uploads still stop at the high-water mark.
 */
public final class ChunkPayloads {
    private ChunkPayloads() {}

    /** A message for {@code ch} carrying {@code length} bytes of {@code file} from {@code offset}; takes over {@code file}. */
    public static Object of(Channel ch, FileChannel file, long offset, int length) throws IOException {
        if (ch.pipeline().get(SslHandler.class) == null) {
            return new DefaultFileRegion(file, offset, length);
        }
        ByteBuf buf = ch.alloc().directBuffer(length, length);
        try (file) {
            while (buf.isWritable()) {
                int n = buf.writeBytes(file, offset + buf.writerIndex(), buf.writableBytes());
                if (n < 0) {
                    throw new EOFException(
                            "file ends " + (length - buf.writerIndex()) + " bytes before the chunk does");
                }
            }
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }
}
