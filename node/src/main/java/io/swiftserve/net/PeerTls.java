package io.swiftserve.net;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.swiftserve.identity.Sha256;
import java.security.cert.CertificateEncodingException;
import javax.net.ssl.SSLException;

/**
 * The TLS side of one process: an ephemeral certificate ({@link EphemeralCertificate}) and the two
 * Netty contexts built on it. Every connection is TLS 1.3 with a certificate on both sides; the
 * certificates are not checked here — any is accepted — because what authenticates a peer is its
 * Ed25519 Auth signature, which covers both certificates' hashes ({@link ChannelBinding}). BoringSSL
 * (netty-tcnative) is used when it loads, the JDK's engine otherwise, or when
 * {@code -Dswiftserve.tls.provider=jdk} asks for it (to compare the two).
 */
public final class PeerTls {
    static final String TLS13 = "TLSv1.3";
    /**
     * The in-memory key store Netty hands the key through. Its default, PKCS12, encrypts the key
     * with 10,000 rounds of PBKDF2 and decrypts it again for each context: 85 ms of a start's CPU
     * per context pair, for a key that never leaves this process's memory.
     */
    static final String KEY_STORE = "JKS";

    private final SslContext server;
    private final SslContext client;
    private final byte[] certificateHash;
    private final SslProvider provider;

    private PeerTls(SslContext server, SslContext client, byte[] certificateHash, SslProvider provider) {
        this.server = server;
        this.client = client;
        this.certificateHash = certificateHash;
        this.provider = provider;
    }

    /** Makes a fresh certificate and the contexts; fails only if neither provider can do TLS 1.3. */
    public static PeerTls create() {
        return create(chooseProvider());
    }

    /** With the engine given, whatever this machine would choose (a test of both). */
    static PeerTls create(SslProvider provider) {
        EphemeralCertificate cert = EphemeralCertificate.generate();
        try {
            SslContext server = SslContextBuilder.forServer(cert.privateKey(), cert.certificate())
                    .keyStoreType(KEY_STORE)
                    .sslProvider(provider)
                    .protocols(TLS13)
                    .clientAuth(ClientAuth.REQUIRE)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .build();
            SslContext client = SslContextBuilder.forClient()
                    .keyManager(cert.privateKey(), cert.certificate())
                    .keyStoreType(KEY_STORE)
                    .sslProvider(provider)
                    .protocols(TLS13)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null)
                    .build();
            return new PeerTls(server, client, Sha256.hash(cert.certificate().getEncoded()), provider);
        } catch (SSLException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot set up TLS 1.3: " + e.getMessage(), e);
        }
    }

    private static SslProvider chooseProvider() {
        if ("jdk".equalsIgnoreCase(System.getProperty("swiftserve.tls.provider", ""))) {
            return SslProvider.JDK;
        }
        return OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL)
                ? SslProvider.OPENSSL
                : SslProvider.JDK;
    }

    SslHandler serverHandler(ByteBufAllocator alloc) {
        return wrappingWholeWrites(server.newHandler(alloc));
    }

    SslHandler clientHandler(ByteBufAllocator alloc) {
        return wrappingWholeWrites(client.newHandler(alloc));
    }

    /**
     * Netty's default cuts what is written into 16 KiB pieces and gives each its own output buffer,
     * write and promise; a chunk frame of 1 MiB made 64 of each. Wrapped whole, a frame is encrypted
     * record after record into one buffer ({@link ChunkPayloads} makes a frame one write). Small
     * messages are no longer gathered into shared records, which costs a record header each; they
     * are few beside the chunks.
     */
    private static SslHandler wrappingWholeWrites(SslHandler handler) {
        handler.setWrapDataSize(0);
        return handler;
    }

    /** SHA-256 of the DER certificate this process presents on every connection. */
    byte[] certificateHash() {
        return certificateHash.clone();
    }

    /** "TLS 1.3 (BoringSSL)" or "TLS 1.3 (JDK engine)", for the start-up log and status. */
    public String description() {
        return "TLS 1.3 (" + (provider == SslProvider.JDK ? "JDK engine" : OpenSsl.versionString()) + ")";
    }
}
