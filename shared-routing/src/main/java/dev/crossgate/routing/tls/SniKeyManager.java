package dev.crossgate.routing.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses a certificate by the name the client asks for (SNI): the first certificate serving
 * that name exactly, then by wildcard, else the first certificate (the default). Only
 * certificates whose key fits the handshake's key type are considered. As a client key manager
 * it offers the first certificate of a fitting key type.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {

  private final List<CertifiedKey> keys;

  /** A key manager over {@code keys}; the first is the default. */
  public SniKeyManager(List<CertifiedKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("keys: [] (expected: at least one certificate)");
    }
    this.keys = List.copyOf(keys);
  }

  /** The certificates, default first. */
  public List<CertifiedKey> keys() {
    return keys;
  }

  /**
   * The alias of the certificate for {@code serverName} (null: no SNI) and key type, or null
   * when the certificates for that name have no key of that type (the TLS engine then tries
   * another type). The name decides first: certificates serving it exactly, else by wildcard,
   * else those of the default certificate's names; among them the first of a fitting key type.
   */
  String choose(String keyType, String serverName) {
    List<Integer> candidates = new ArrayList<>();
    if (serverName != null) {
      String host = serverName.toLowerCase(Locale.ROOT);
      for (int i = 0; i < keys.size(); i++) {
        if (keys.get(i).hostnames().contains(host)) {
          candidates.add(i);
        }
      }
      if (candidates.isEmpty()) {
        for (int i = 0; i < keys.size(); i++) {
          if (keys.get(i).serves(host)) {
            candidates.add(i);
          }
        }
      }
    }
    if (candidates.isEmpty()) {
      List<String> defaultNames = keys.get(0).hostnames();
      for (int i = 0; i < keys.size(); i++) {
        if (i == 0 || (!defaultNames.isEmpty() && keys.get(i).hostnames().equals(defaultNames))) {
          candidates.add(i);
        }
      }
    }
    for (int i : candidates) {
      if (fits(keys.get(i), keyType)) {
        return alias(i);
      }
    }
    return null;
  }

  private static boolean fits(CertifiedKey key, String keyType) {
    return keyType == null || keyType.equals(key.keyType())
        || ("RSASSA-PSS".equals(keyType) && "RSA".equals(key.keyType()))
        || ("EdDSA".equals(keyType) && key.keyType().startsWith("Ed"));
  }

  private static String alias(int index) {
    return Integer.toString(index);
  }

  private CertifiedKey key(String alias) {
    try {
      int index = Integer.parseInt(alias);
      return index >= 0 && index < keys.size() ? keys.get(index) : null;
    } catch (NumberFormatException | NullPointerException e) {
      return null;
    }
  }

  private static String requestedName(SSLSession session) {
    if (session instanceof ExtendedSSLSession extended) {
      for (SNIServerName name : extended.getRequestedServerNames()) {
        if (name.getType() == StandardConstants.SNI_HOST_NAME) {
          return ((SNIHostName) name).getAsciiName();
        }
      }
    }
    return null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return choose(keyType, engine == null ? null : requestedName(engine.getHandshakeSession()));
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    SSLSession session = socket instanceof javax.net.ssl.SSLSocket ssl
        ? ssl.getHandshakeSession() : null;
    return choose(keyType, requestedName(session));
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers,
      SSLEngine engine) {
    return chooseClientAlias(keyTypes, issuers, null);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    for (String keyType : keyTypes) {
      for (int i = 0; i < keys.size(); i++) {
        if (fits(keys.get(i), keyType)) {
          return alias(i);
        }
      }
    }
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return aliases(keyType);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliases(keyType);
  }

  private String[] aliases(String keyType) {
    List<String> aliases = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (fits(keys.get(i), keyType)) {
        aliases.add(alias(i));
      }
    }
    return aliases.isEmpty() ? null : aliases.toArray(String[]::new);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    CertifiedKey key = key(alias);
    return key == null ? null : key.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    CertifiedKey key = key(alias);
    return key == null ? null : key.key();
  }
}
