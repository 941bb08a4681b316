package dev.crossgate.routing.mesh;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import dev.crossgate.policy.identity.IdentityProtocol;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** A workload's EC P-256 key pair and its PKCS#10 request. CPU work: call on a worker thread. */
final class CsrBuilder {

  private CsrBuilder() {}

  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an EC P-256 key pair", e);
    }
  }

  /**
   * A PEM CSR for {@code pair}. It asks for no name: the CA names the certificate after the
   * identity the join token proves.
   */
  static String csr(KeyPair pair) {
    try {
      var request = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=crossgate-sidecar"),
          pair.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
      StringWriter out = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
        writer.writeObject(request);
      }
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign the CSR", e);
    }
  }

  /**
   * The proof a renewal sends that it holds the current certificate's key: the CSR's DER signed
   * with that key ({@code identity.proto}: {@code possession_signature}), base64.
   */
  static String possessionSignature(String privateKeyPem, String csrPem) {
    try (PEMParser keys = new PEMParser(new StringReader(privateKeyPem));
        PEMParser csrs = new PEMParser(new StringReader(csrPem))) {
      PrivateKey key = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) keys.readObject());
      byte[] csr = ((PKCS10CertificationRequest) csrs.readObject()).getEncoded();
      Signature signer = Signature.getInstance(
          IdentityProtocol.possessionAlgorithm(key.getAlgorithm()));
      signer.initSign(key);
      signer.update(csr);
      return Base64.getEncoder().encodeToString(signer.sign());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the renewal's CSR with the current key", e);
    }
  }

  /**
   * The private key as unencrypted PKCS#8 PEM (kept in memory, and in the sidecar's state
   * directory when it has one). The JDK's encoding of the key is PKCS#8 already.
   */
  static String privateKeyPem(KeyPair pair) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }
}
