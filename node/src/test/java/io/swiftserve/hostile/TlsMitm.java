package io.swiftserve.hostile;

import io.swiftserve.net.EphemeralCertificate;
import io.swiftserve.tools.TlsSockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private final SSLServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final AtomicLong plaintextRelayed = new AtomicLong();

    TlsMitm(int target) throws Exception {
        this.target = target;
        EphemeralCertificate cert = EphemeralCertificate.generate();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("mitm", cert.privateKey(), new char[0], new Certificate[] {cert.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.setNeedClientAuth(true);   // as a node would: the dialer's certificate is asked for and taken
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread t = new Thread(this::acceptLoop, "tls-mitm");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket down = server.accept();
                sockets.add(down);
                Socket plain = new Socket("127.0.0.1", target);
                Socket up = TlsSockets.wrap(plain, "127.0.0.1", target).socket();
                sockets.add(up);
                pump(down, up);
                pump(up, down);
            } catch (IOException e) {
                // closed, or a failed TLS handshake on one side
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 << 10];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    out.write(buf, 0, n);
                    out.flush();
                    plaintextRelayed.addAndGet(n);
                }
            } catch (IOException ignored) {
                // either side closed
            } finally {
                close(from);
                close(to);
            }
        }, "tls-mitm-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(TlsMitm::close);
    }
}
