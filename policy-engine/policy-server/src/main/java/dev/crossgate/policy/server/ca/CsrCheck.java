package dev.crossgate.policy.server.ca;

import dev.crossgate.policy.server.ca.IdentityException.Reason;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Checks a CSR before the CA signs it: its signature, its key, and that any name it asks for is
 * the identity its caller proved.
 */
final class CsrCheck {

  private CsrCheck() {}

  /** The request's public key, once every check passed; else an {@link IdentityException}. */
  static PublicKey check(PKCS10CertificationRequest csr, SpiffeId expected) {
    PublicKey key;
    try {
      key = new JcaPKCS10CertificationRequest(csr).getPublicKey();
    } catch (Exception e) {
      throw new IdentityException(Reason.UNSUPPORTED_KEY,
          "csr: unreadable public key (" + e.getMessage() + "; expected: EC P-256/P-384 or RSA >= 2048)");
    }
    checkKey(key);
    boolean valid;
    try {
      valid = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
    } catch (Exception e) {
      valid = false;
    }
    if (!valid) {
      throw new IdentityException(Reason.BAD_CSR_SIGNATURE,
          "csr: the signature does not verify with the request's own public key "
              + "(expected: a request signed by the key it certifies)");
    }
    checkRequestedNames(csr, expected);
    return key;
  }

  private static void checkKey(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits != 256 && bits != 384) {
        throw new IdentityException(Reason.UNSUPPORTED_KEY,
            "csr: EC key on a " + bits + "-bit curve (expected: P-256 or P-384)");
      }
    } else if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < 2048) {
        throw new IdentityException(Reason.UNSUPPORTED_KEY,
            "csr: RSA key of " + bits + " bits (expected: >= 2048)");
      }
    } else {
      throw new IdentityException(Reason.UNSUPPORTED_KEY,
          "csr: " + key.getAlgorithm() + " key (expected: EC P-256/P-384 or RSA >= 2048)");
    }
  }

  private static void checkRequestedNames(PKCS10CertificationRequest csr, SpiffeId expected) {
    for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      if (attribute.getAttrValues().size() == 0) {
        continue;
      }
      Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
      GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
      if (names == null) {
        continue;
      }
      for (GeneralName name : names.getNames()) {
        String value = name.getName().toString();
        if (name.getTagNo() != GeneralName.uniformResourceIdentifier
            || !value.equals(expected.uri())) {
          throw new IdentityException(Reason.SAN_MISMATCH, "csr: subjectAltName " + value
              + " (expected: only " + expected.uri() + ", the identity the credential proves)");
        }
      }
    }
  }
}
