package dev.pulldoctor.agent.collect;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Names why a connection failed, from the exception chain. The JDK HTTP client wraps the cause
 * several times (often ending in a bare {@code ClosedChannelException}), so the chain is searched
 * for the first type that tells a user what to check.
 */
final class ConnectionFailure {
  private ConnectionFailure() {}

  static String describe(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    for (Throwable t : chain) {
      if (t instanceof UnknownHostException) {
        return "unknown host (check the server address in the kubeconfig and DNS)";
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return "connection refused (is the cluster running, and is this the right context?)";
      }
      if (t instanceof HttpConnectTimeoutException
          || t instanceof HttpTimeoutException
          || t instanceof SocketTimeoutException) {
        return "timed out (a VPN, proxy or firewall may be in the way)";
      }
      if (t instanceof CertificateException || t instanceof SSLException) {
        return "TLS handshake failed (the server certificate is not trusted by this kubeconfig)";
      }
    }
    Throwable root = chain.get(chain.size() - 1);
    return "connection failed (" + root.getClass().getSimpleName() + ")";
  }
}
