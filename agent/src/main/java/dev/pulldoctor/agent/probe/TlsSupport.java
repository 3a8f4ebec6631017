package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation.Certificate;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS with full verification (trust chain and host name), always. A failure is a finding: the
 * certificate the server presented is recorded while the JDK's own trust manager judges it, so the
 * report can name its subject, issuer and expiry. Verification is never switched off.
 */
public final class TlsSupport {
  private final SSLContext context;

  /** The chain the server presented in the handshake running on this thread. */
  private static final ThreadLocal<X509Certificate @Nullable []> PRESENTED = new ThreadLocal<>();

  private TlsSupport(X509ExtendedTrustManager trust) throws GeneralSecurityException {
    this.context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new Recording(trust, PRESENTED)}, null);
  }

  /** Trusts what the JVM trusts (its cacerts, or {@code -Djavax.net.ssl.trustStore}). */
  public static TlsSupport system() {
    return trusting(null);
  }

  /** Trusts the certificates in {@code trustStore}, or the JVM's when null. */
  public static TlsSupport trusting(@Nullable KeyStore trustStore) {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trustStore);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return new TlsSupport(extended);
        }
      }
      throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /**
   * Runs the TLS handshake over a connected socket, verifying the chain and that the certificate
   * names {@code host}.
   *
   * @param trace receives the presented certificate, verified or not
   */
  SSLSocket handshake(Socket socket, String host, int port, int timeoutMillis, Trace trace)
      throws ProbeException {
    PRESENTED.remove();
    try {
      SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      if (IpLiterals.parse(host) == null) {
        parameters.setServerNames(List.of(new SNIHostName(host)));
      }
      tls.setSSLParameters(parameters);
      tls.setSoTimeout(timeoutMillis);
      tls.startHandshake();
      trace.certificate(describeLeaf());
      return tls;
    } catch (SocketTimeoutException e) {
      throw ProbeException.failed(
          Stage.TLS,
          PullErrorCause.NETWORK_TIMEOUT,
          "the TLS handshake with " + host + ":" + port + " timed out");
    } catch (IOException e) {
      Certificate certificate = describeLeaf();
      trace.certificate(certificate);
      throw ProbeException.tls(explain(e, host, port, certificate), certificate);
    } finally {
      PRESENTED.remove();
    }
  }

  private @Nullable Certificate describeLeaf() {
    X509Certificate[] chain = PRESENTED.get();
    return chain == null || chain.length == 0 ? null : describe(chain[0]);
  }

  static Certificate describe(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> alternative : alternatives) {
          Object type = alternative.get(0);
          if ((Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type))
              && names.size() < 20) {
            names.add(ProbeText.shorten(String.valueOf(alternative.get(1)), 100));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // names stay empty: the subject still tells the user which certificate this is
    }
    return new Certificate(
        ProbeText.shorten(certificate.getSubjectX500Principal().getName(), 200),
        ProbeText.shorten(certificate.getIssuerX500Principal().getName(), 200),
        certificate.getNotBefore().toInstant(),
        certificate.getNotAfter().toInstant(),
        names);
  }

  /** pulldoctor's explanation of a failed handshake. */
  private static String explain(IOException e, String host, int port, @Nullable Certificate cert) {
    String where = host + ":" + port;
    Instant now = Instant.now();
    if (has(e, CertificateExpiredException.class)
        || (cert != null && cert.notAfter().isBefore(now))) {
      return "the certificate of "
          + where
          + " expired"
          + (cert == null ? "" : " on " + cert.notAfter());
    }
    if (has(e, CertificateNotYetValidException.class)
        || (cert != null && cert.notBefore().isAfter(now))) {
      return "the certificate of "
          + where
          + " is not valid yet"
          + (cert == null ? "" : " (from " + cert.notBefore() + ")");
    }
    String text = messages(e).toLowerCase(Locale.ROOT);
    if (text.contains("no subject alternative") || text.contains("no name matching")) {
      return "the certificate of "
          + where
          + " does not name "
          + host
          + (cert == null || cert.names().isEmpty()
              ? ""
              : " (it names " + String.join(", ", cert.names()) + ")");
    }
    if (text.contains("certification path") || text.contains("pkix")) {
      boolean selfSigned = cert != null && cert.subject().equals(cert.issuer());
      return "the certificate of "
          + where
          + (selfSigned ? " is self-signed and" : "")
          + " is not issued by a CA that pulldoctor trusts"
          + (cert == null ? "" : " (issuer " + cert.issuer() + ")");
    }
    if (text.contains("unrecognized ssl message") || text.contains("plaintext connection")) {
      return where
          + " does not speak TLS (a plain-HTTP registry? then name it with"
          + " --insecure-registry, and configure the nodes' container runtime for it too)";
    }
    return "the TLS handshake with "
        + where
        + " failed: "
        + ProbeText.shorten(e.getClass().getSimpleName() + ": " + e.getMessage(), 200);
  }

  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(' ');
    }
    return all.toString();
  }

  /** Records the chain the server presents, then lets the JDK's trust manager decide. */
  private static final class Recording extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final ThreadLocal<X509Certificate @Nullable []> presented;

    Recording(
        X509ExtendedTrustManager delegate, ThreadLocal<X509Certificate @Nullable []> presented) {
      this.delegate = delegate;
      this.presented = presented;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      presented.set(chain.clone());
      delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      presented.set(chain.clone());
      delegate.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      // never reached for sockets, which use the variant above that checks the host name
      throw new CertificateException("host name verification needs the socket variant");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("pulldoctor is never a TLS server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("pulldoctor is never a TLS server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("pulldoctor is never a TLS server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return ((X509TrustManager) delegate).getAcceptedIssuers();
    }
  }
}
