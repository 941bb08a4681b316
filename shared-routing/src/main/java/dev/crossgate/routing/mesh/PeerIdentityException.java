package dev.crossgate.routing.mesh;

import java.security.cert.CertificateException;

/**
 * A mesh peer presented a SPIFFE id other than the one expected for the service called; thrown
 * in the TLS handshake, before any byte of the request is sent, and answered
 * {@code peer_identity_mismatch}.
 */
public final class PeerIdentityException extends CertificateException {

  private static final long serialVersionUID = 1L;

  /** The peer presented {@code actual} where {@code expected} was required. */
  public PeerIdentityException(String actual, String expected) {
    super("the upstream presented " + actual + " (expected: " + expected + ")");
  }
}
