package dev.pulldoctor.agent.probe;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates for tests: a CA, server certificates for loopback it signs, and their PEM files. */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A key with its certificate. */
  record Issued(KeyPair keys, X509Certificate certificate) {}

  private final Issued ca;

  private TestPki(Issued ca) {
    this.ca = ca;
  }

  /** A new CA named {@code name}. */
  static TestPki ca(String name) throws GeneralSecurityException {
    KeyPair keys = keys();
    X500Name subject = new X500Name("CN=" + name);
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(365))),
            subject,
            keys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return new TestPki(new Issued(keys, sign(builder, keys.getPrivate())));
  }

  X509Certificate certificate() {
    return ca.certificate();
  }

  Issued self() {
    return ca;
  }

  /** A server certificate for 127.0.0.1 and localhost, valid from {@code from} to {@code to}. */
  Issued server(Instant from, Instant to) throws GeneralSecurityException {
    KeyPair keys = keys();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            new X500Name(ca.certificate().getSubjectX500Principal().getName()),
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(from),
            Date.from(to),
            new X500Name("CN=127.0.0.1"),
            keys.getPublic());
    try {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return new Issued(keys, sign(builder, ca.keys().getPrivate()));
  }

  /** A currently valid server certificate for loopback. */
  Issued server() throws GeneralSecurityException {
    Instant now = Instant.now();
    return server(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)));
  }

  /** A trust store holding this CA. */
  KeyStore trustStore() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca.certificate());
    return store;
  }

  /** An SSL context that serves {@code issued} and trusts this CA. */
  SSLContext serverContext(Issued issued) throws GeneralSecurityException, IOException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    char[] password = "test".toCharArray();
    keys.setKeyEntry(
        "server",
        issued.keys().getPrivate(),
        password,
        new X509Certificate[] {issued.certificate(), ca.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trustStore());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  static void writePem(Path file, Object... objects) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    }
    Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
  }

  /** Writes a private key as PKCS#8 PEM ({@code PRIVATE KEY}), which Go's TLS loader reads. */
  static void writeKey(Path file, PrivateKey key) throws IOException {
    String body =
        java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    Files.writeString(
        file,
        "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n",
        StandardCharsets.US_ASCII);
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
