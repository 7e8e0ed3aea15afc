package io.swiftserve.net;

import io.swiftserve.identity.Sha256;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What ties a handshake's Auth signatures to the TLS connection they travel on: SHA-256 of the
 * dialer's and of the listener's certificate, as this end saw them. Both Auth signatures cover
 * these 64 bytes, so a relay that terminates TLS itself (and must present certificates of its own)
 * gets signatures over its own certificates' hashes, which the real ends reject. Cleartext has none.
 */
public record ChannelBinding(byte[] dialerCertificate, byte[] listenerCertificate) {
    public static final ChannelBinding NONE = new ChannelBinding(new byte[0], new byte[0]);

    /** The binding of a TLS session on which this end presented the certificate hashing to {@code own}. */
    public static ChannelBinding of(SSLSession session, byte[] own, boolean dialer) throws SSLPeerUnverifiedException {
        Certificate[] peer = session.getPeerCertificates();
        if (peer.length == 0) {
            throw new SSLPeerUnverifiedException("the peer presented no certificate");
        }
        byte[] theirs;
        try {
            theirs = Sha256.hash(peer[0].getEncoded());
        } catch (CertificateEncodingException e) {
            throw new SSLPeerUnverifiedException("the peer's certificate cannot be encoded: " + e.getMessage());
        }
        return dialer ? new ChannelBinding(own, theirs) : new ChannelBinding(theirs, own);
    }

    /** {@code message} followed by the dialer's and the listener's certificate hash (nothing for cleartext). */
    public byte[] appendTo(byte[] message) {
        byte[] out = java.util.Arrays.copyOf(
                message, message.length + dialerCertificate.length + listenerCertificate.length);
        System.arraycopy(dialerCertificate, 0, out, message.length, dialerCertificate.length);
        System.arraycopy(
                listenerCertificate, 0, out, message.length + dialerCertificate.length, listenerCertificate.length);
        return out;
    }
}
