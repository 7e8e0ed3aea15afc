package io.swiftserve.tools;

import io.swiftserve.identity.Sha256;
import io.swiftserve.net.ChannelBinding;
import io.swiftserve.net.EphemeralCertificate;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The dialer's TLS for the blocking proto tool, as a node does it: TLS 1.3, an ephemeral certificate
 * of our own, any certificate of the node accepted (the node's Auth signature over both certificates'
 * hashes is what proves who it is, see {@link ChannelBinding}).
 */
public final class TlsSockets {
    private TlsSockets() {}

    /** Wraps a connected socket and runs the TLS handshake; returns the socket and the connection's binding. */
    public static Wrapped wrap(Socket plain, String host, int port) throws IOException {
        EphemeralCertificate cert = EphemeralCertificate.generate();
        SSLSocket tls;
        try {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(
                    new KeyManager[] {new OneKey(cert.privateKey(), cert.certificate())},
                    new TrustManager[] {new AnyCertificate()},
                    null);
            tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
        tls.setUseClientMode(true);
        tls.setEnabledProtocols(new String[] {"TLSv1.3"});
        try {
            tls.startHandshake();
            byte[] own = Sha256.hash(cert.certificate().getEncoded());
            return new Wrapped(tls, ChannelBinding.of(tls.getSession(), own, true));
        } catch (SSLException e) {
            tls.close();
            throw new SSLException(host + ":" + port + " did not complete TLS (" + e.getMessage() + "); if it runs"
                    + " --transport cleartext, call it with --transport cleartext");
        } catch (GeneralSecurityException e) {
            tls.close();
            throw new IOException(e.getMessage(), e);
        }
    }

    public record Wrapped(SSLSocket socket, ChannelBinding binding) {}

    /**
     * Offers the one ephemeral key. A PKCS12 key store would encrypt and decrypt the key with 10,000
     * rounds of PBKDF2 on every connection, which cost more than the TLS handshake itself.
     */
    private static final class OneKey extends X509ExtendedKeyManager {
        private static final String ALIAS = "peer";
        private final PrivateKey key;
        private final X509Certificate[] chain;

        OneKey(PrivateKey key, X509Certificate certificate) {
            this.key = key;
            this.chain = new X509Certificate[] {certificate};
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }

    /** Accepts any server certificate: the Auth signature, not a CA, authenticates the node. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
