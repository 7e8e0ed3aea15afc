package io.swiftserve.hostile;

import io.swiftserve.net.EphemeralCertificate;
import io.swiftserve.tools.TlsSockets;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A man in the middle that terminates TLS itself: it accepts the dialer's TLS with a certificate of its
 * own, opens its own TLS to {@code target} (another certificate of its own), and relays the plaintext
 * both ways. Both TLS handshakes succeed; only the Auth signatures can tell.
 */
final class TlsMitm implements AutoCloseable {
    private final Relay relay;
    final AtomicLong plaintextRelayed = new AtomicLong();

    TlsMitm(int target) throws Exception {
        SSLServerSocket server =
                (SSLServerSocket) context().getServerSocketFactory().createServerSocket();
        server.setNeedClientAuth(true); // as a node would: the dialer's certificate is asked for and taken
        relay = new Relay(
                server,
                "tls-mitm",
                () -> TlsSockets.wrap(Relay.dial(target), "127.0.0.1", target).socket(),
                this::plaintextBothWays);
    }

    int port() {
        return relay.port();
    }

    private void plaintextBothWays(Socket dialer, Socket listener) {
        Relay.pump(
                "tls-mitm-up",
                () -> Relay.copy(dialer.getInputStream(), listener.getOutputStream(), plaintextRelayed::addAndGet),
                dialer,
                listener);
        Relay.pump(
                "tls-mitm-down",
                () -> Relay.copy(listener.getInputStream(), dialer.getOutputStream(), plaintextRelayed::addAndGet),
                listener,
                dialer);
    }

    /** TLS 1.3 with a fresh self-signed certificate, trusting whatever the other side presents. */
    private static SSLContext context() throws Exception {
        EphemeralCertificate cert = EphemeralCertificate.generate();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("mitm", cert.privateKey(), new char[0], new Certificate[] {cert.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(
                kmf.getKeyManagers(),
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        return context;
    }

    @Override
    public void close() {
        relay.close();
    }
}
