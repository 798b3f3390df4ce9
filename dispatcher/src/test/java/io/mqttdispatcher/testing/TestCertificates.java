package io.mqttdispatcher.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Certificates made for one test, as PEM files: a certificate authority and certificates it signs
 * for a server name or a client, valid for a day. Keys are PKCS#8, as the dispatcher and probe read
 * them.
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path dir;
  private final String name;
  private final KeyPair caKeys;
  private final X500Name caName;
  private final X509Certificate ca;

  /** A PEM certificate chain file and its private key file. */
  public record Pem(Path cert, Path key) {}

  private TestCertificates(Path dir, String name)
      throws GeneralSecurityException, IOException, OperatorCreationException {
    this.dir = dir;
    this.name = name;
    this.caKeys = newKeys();
    this.caName = new X500Name("CN=" + name + " test CA");
    this.ca = sign(caName, caKeys, null, true);
    write(dir.resolve(name + "-ca.pem"), ca);
  }

  /** A new certificate authority called {@code name}, its files in {@code dir}. */
  public static TestCertificates authority(Path dir, String name) throws Exception {
    return new TestCertificates(dir, name);
  }

  /** The authority's certificate: what a peer trusts. */
  public Path caCert() {
    return dir.resolve(name + "-ca.pem");
  }

  /** A server certificate for DNS name {@code host}, signed by this authority. */
  public Pem server(String host) throws Exception {
    return issue("server-" + host, host);
  }

  /** A client certificate called {@code commonName}, signed by this authority. */
  public Pem client(String commonName) throws Exception {
    return issue("client-" + commonName, null);
  }

  private Pem issue(String file, @Nullable String dnsName) throws Exception {
    KeyPair keys = newKeys();
    X509Certificate cert = sign(new X500Name("CN=" + file), keys, dnsName, false);
    Path certFile = dir.resolve(name + "-" + file + ".pem");
    Path keyFile = dir.resolve(name + "-" + file + "-key.pem");
    StringWriter chain = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(chain)) {
      w.writeObject(cert);
      w.writeObject(ca);
    }
    Files.writeString(certFile, chain.toString(), StandardCharsets.US_ASCII);
    StringWriter key = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(key)) {
      w.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
    }
    Files.writeString(keyFile, key.toString(), StandardCharsets.US_ASCII);
    return new Pem(certFile, keyFile);
  }

  private X509Certificate sign(
      X500Name subject, KeyPair keys, @Nullable String dnsName, boolean authority)
      throws GeneralSecurityException, IOException, OperatorCreationException {
    Instant now = Instant.now();
    X500Name issuer = authority ? subject : caName;
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
    b.addExtension(
        Extension.keyUsage,
        true,
        authority
            ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
            : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    if (dnsName != null) {
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
    }
    KeyPair signer = authority ? keys : caKeys;
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
  }

  private static KeyPair newKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static void write(Path file, Object pem) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(pem);
    }
    Files.writeString(file, out.toString(), StandardCharsets.US_ASCII);
  }
}
