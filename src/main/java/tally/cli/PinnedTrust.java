package tally.cli;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Trusts exactly one server certificate, by its SHA-256: the one {@code tally serve} wrote into the
 * owner-only server file. The CLI reaches the server by loopback address, which a certificate issued
 * for the server's public name does not cover, so the pin (not the name) is what is checked.
 */
final class PinnedTrust extends X509ExtendedTrustManager {
    private final String sha256;

    private PinnedTrust(String sha256) {
        this.sha256 = sha256;
    }

    static SSLContext context(String sha256) {
        if (sha256 == null || sha256.isBlank()) throw new UserError("tally serve uses HTTPS but its server file names no certificate");
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new javax.net.ssl.TrustManager[] {new PinnedTrust(sha256.trim().toLowerCase())}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available: " + e, e);
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) throw new CertificateException("no server certificate");
        String got = tally.core.Secrets.sha256Hex(chain[0].getEncoded());
        if (!MessageDigest.isEqual(got.getBytes(), sha256.getBytes())) {
            throw new CertificateException("the server's certificate is not the one tally serve recorded");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client is never trusted here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client is never trusted here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client is never trusted here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
