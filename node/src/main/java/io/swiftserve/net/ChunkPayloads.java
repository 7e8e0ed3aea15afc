package io.swiftserve.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.ssl.SslHandler;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A chunk frame as the connection can carry it. Cleartext: the head, then a {@link DefaultFileRegion}
 * sent by sendfile without a copy in user space (the region closes the file). TLS cannot encrypt a
 * file region, so there head and payload are read into one pooled direct buffer with a positional
 * read loop, and the file is closed at once: one buffer per frame lets the TLS handler encrypt the
 * frame into one output buffer ({@link PeerTls}), where a separate head would be copied together
 * with the start of the payload. Either way the frame counts towards the channel's write-buffer
 * water marks with its full length, so uploads still stop at the high-water mark.
 */
public final class ChunkPayloads {
    private ChunkPayloads() {}

    /**
     * The messages that carry {@code length} bytes of {@code file} from {@code offset} behind {@code head}
     * on {@code ch}, in order; takes over {@code file}.
     */
    public static Object[] frame(Channel ch, byte[] head, FileChannel file, long offset, int length)
            throws IOException {
        if (ch.pipeline().get(SslHandler.class) == null) {
            return new Object[] {
                ch.alloc().buffer(head.length).writeBytes(head), new DefaultFileRegion(file, offset, length)
            };
        }
        int size = head.length + length;
        ByteBuf buf = ch.alloc().directBuffer(size, size).writeBytes(head);
        try (file) {
            while (buf.isWritable()) {
                int n = buf.writeBytes(file, offset + buf.writerIndex() - head.length, buf.writableBytes());
                if (n < 0) {
                    throw new EOFException("file ends " + buf.writableBytes() + " bytes before the chunk does");
                }
            }
            return new Object[] {buf};
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }
}
