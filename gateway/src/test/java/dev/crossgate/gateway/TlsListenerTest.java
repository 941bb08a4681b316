package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.routing.config.ConfigException;
import dev.crossgate.testkit.BackendExtension;
import dev.crossgate.testkit.TestCertificates;
import dev.crossgate.testkit.TestCertificates.KeyType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS termination on an HTTPS listener, checked with real clients: the JDK client, openssl
 * s_client and curl. SNI, protocol versions, ALPN, HSTS, the HTTP→HTTPS redirect, hot reload
 * of certificate files and precise errors for bad PEM.
 */
class TlsListenerTest {

  private static final String APPLIED =
      "crossgate_tls_certificate_reloads_total{result=\"success\"}";
  private static final String REFUSED =
      "crossgate_tls_certificate_reloads_total{result=\"failure\"}";

  @RegisterExtension static final BackendExtension USERS = new BackendExtension("users");

  @TempDir Path dir;
  TestCertificates ca;
  TestCertificates.Leaf localhost;
  TestCertificates.Leaf api;
  Path caFile;
  GatewayFixture gateway;

  @BeforeEach
  void certificates() {
    ca = TestCertificates.ca("Crossgate Test CA");
    localhost = ca.issue(KeyType.RSA, "localhost", "127.0.0.1");
    api = ca.issue(KeyType.EC, "api.test", "*.api.test");
    caFile = ca.writeCertificate(dir.resolve("ca.pem"));
    write("localhost.pem", localhost.chainPem());
    write("localhost.key", localhost.traditionalKeyPem()); // PKCS#1 RSA PRIVATE KEY
    write("api.pem", api.chainPem());
    write("api.key", api.traditionalKeyPem()); // SEC1 EC PRIVATE KEY
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private Path write(String name, String text) {
    try {
      Path next = dir.resolve(name + ".next");
      Files.writeString(next, text);
      return Files.move(next, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String yaml(String tlsExtra) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge}
        spec:
          listeners:
            - name: https
              port: 8443
              protocol: HTTPS
              tls:
                certificateRefs:
                  - {name: localhost, certificateFile: %s, keyFile: %s}
                  - {name: api, certificateFile: %s, keyFile: %s}
                hsts: {maxAge: 1h, includeSubDomains: true}
        %s
            - name: http
              port: 8080
              protocol: HTTP
              httpsRedirect: {port: 8443, statusCode: 308}
        """.formatted(dir.resolve("localhost.pem"), dir.resolve("localhost.key"),
        dir.resolve("api.pem"), dir.resolve("api.key"), tlsExtra)
        + Yaml.service("users", USERS.port())
        + Yaml.prefixRoute("users", "/users", "[{name: users}]");
  }

  private GatewayFixture start(String yaml) throws Exception {
    return GatewayFixture.start(dir, yaml, Duration.ofSeconds(5),
        options -> options.withPorts(Map.of("http", 0, "https", 0), 0));
  }

  private int httpsPort() {
    return gateway.server.port("https");
  }

  private HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder().version(version).sslContext(ca.trustingContext())
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void jdkClientTrustingTheCaIsProxiedOverHttp11AndH2WithHsts() throws Exception {
    gateway = start(yaml(""));
    URI uri = URI.create("https://localhost:" + httpsPort() + "/users/1");
    HttpResponse<String> h1 = client(HttpClient.Version.HTTP_1_1)
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(h1.statusCode()).isEqualTo(200);
    assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(h1.headers().firstValue("x-backend")).hasValue("users");
    assertThat(h1.headers().firstValue("strict-transport-security"))
        .hasValue("max-age=3600; includeSubDomains");
    assertThat(h1.sslSession().orElseThrow().getPeerCertificates()[0])
        .isEqualTo(localhost.certificate());

    HttpResponse<String> h2 = client(HttpClient.Version.HTTP_2)
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(h2.statusCode()).isEqualTo(200);
    assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);

    HttpResponse<String> missing = client(HttpClient.Version.HTTP_1_1).send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort() + "/nowhere"))
            .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("strict-transport-security")).isPresent();
  }

  @Test
  void sniChoosesTheCertificateAndTheFirstIsTheDefault() throws Exception {
    gateway = start(yaml(""));
    assertThat(TlsTool.sClient(httpsPort(), "-servername", "api.test").output())
        .contains("subject=CN = api.test");
    assertThat(TlsTool.sClient(httpsPort(), "-servername", "v2.api.test").output())
        .contains("subject=CN = api.test");
    assertThat(TlsTool.sClient(httpsPort(), "-servername", "localhost").output())
        .contains("subject=CN = localhost");
    assertThat(TlsTool.sClient(httpsPort(), "-servername", "unknown.example").output())
        .contains("subject=CN = localhost");
    assertThat(TlsTool.sClient(httpsPort(), "-noservername").output())
        .contains("subject=CN = localhost");
    TlsTool.Result curl = TlsTool.curl("--cacert", caFile.toString(), "--resolve",
        "x.api.test:" + httpsPort() + ":127.0.0.1",
        "https://x.api.test:" + httpsPort() + "/users/1", "-o", "/dev/null", "-w",
        "%{http_code} %{ssl_verify_result}");
    assertThat(curl.output()).isEqualTo("200 0");
  }

  @Test
  void onlyTls12And13AreAcceptedAndAlpnOffersH2() throws Exception {
    gateway = start(yaml(""));
    TlsTool.Result tls11 = TlsTool.sClient(httpsPort(), "-tls1_1", "-cipher",
        "DEFAULT:@SECLEVEL=0");
    assertThat(tls11.exitCode()).as(tls11.output()).isNotZero();
    assertThat(tls11.output()).contains("alert protocol version");
    TlsTool.Result tls12 = TlsTool.sClient(httpsPort(), "-tls1_2", "-brief");
    assertThat(tls12.output()).contains("Protocol version: TLSv1.2")
        .containsPattern("Ciphersuite: ECDHE-(RSA|ECDSA)-(AES\\d+-GCM|CHACHA20)");
    assertThat(TlsTool.sClient(httpsPort(), "-tls1_3", "-brief").output())
        .contains("Protocol version: TLSv1.3");
    TlsTool.Result weak = TlsTool.sClient(httpsPort(), "-tls1_2", "-cipher", "AES128-SHA");
    assertThat(weak.exitCode()).as(weak.output()).isNotZero();
    assertThat(TlsTool.sClient(httpsPort(), "-alpn", "h2,http/1.1").output())
        .contains("ALPN protocol: h2");

    TlsTool.Result curl = TlsTool.curl("--cacert", caFile.toString(),
        "https://localhost:" + httpsPort() + "/users/1", "-o", "/dev/null", "-w",
        "%{http_code} %{http_version}");
    assertThat(curl.output()).isEqualTo("200 2");
    TlsTool.Result curl11 = TlsTool.curl("--http1.1", "--cacert", caFile.toString(),
        "https://localhost:" + httpsPort() + "/users/1", "-o", "/dev/null", "-w",
        "%{http_code} %{http_version}");
    assertThat(curl11.output()).isEqualTo("200 1.1");
  }

  @Test
  void minVersion13RefusesTls12() throws Exception {
    gateway = start(yaml("          minVersion: \"1.3\"".replace("          ", "        ")));
    TlsTool.Result tls12 = TlsTool.sClient(httpsPort(), "-tls1_2", "-brief");
    assertThat(tls12.exitCode()).as(tls12.output()).isNotZero();
    assertThat(TlsTool.sClient(httpsPort(), "-tls1_3", "-brief").output())
        .contains("Protocol version: TLSv1.3");
  }

  @Test
  void plainListenerRedirectsToHttps() throws Exception {
    gateway = start(yaml(""));
    HttpResponse<String> response = gateway.get("/users/1?a=b");
    assertThat(response.statusCode()).isEqualTo(308);
    assertThat(response.headers().firstValue("location"))
        .hasValue("https://127.0.0.1:8443/users/1?a=b");
  }

  @Test
  void changedCertificateFilesAreServedToNewConnectionsWhileOpenOnesKeepWorking()
      throws Exception {
    gateway = start(yaml(""));
    try (SSLSocket before = open("localhost")) {
      assertThat(exchange(before)).startsWith("HTTP/1.1 200");
      BigInteger oldSerial = serial(before);
      assertThat(oldSerial).isEqualTo(localhost.certificate().getSerialNumber());

      TestCertificates.Leaf renewed = ca.issue(KeyType.EC, "localhost", "127.0.0.1");
      write("localhost.key", renewed.pkcs8KeyPem());
      write("localhost.pem", renewed.chainPem());

      Eventually.untilPasses(() -> {
        try (SSLSocket after = open("localhost")) {
          assertThat(serial(after)).isEqualTo(renewed.certificate().getSerialNumber());
          assertThat(exchange(after)).startsWith("HTTP/1.1 200");
        }
      });
      assertThat(exchange(before)).as("the connection opened before the reload")
          .startsWith("HTTP/1.1 200");
      assertThat(serial(before)).isEqualTo(oldSerial);
    }
  }

  @Test
  void brokenCertificateFilesOnReloadAreRefusedAndTheOldCertificatesKeepServing()
      throws Exception {
    gateway = start(yaml(""));
    TestCertificates.Leaf other = ca.issue(KeyType.RSA, "localhost");
    write("localhost.pem", other.chainPem()); // the key on disk no longer matches
    write("api.key", "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
    Eventually.untilPasses(() -> assertThat(gateway.metric(REFUSED)).isPositive());
    try (SSLSocket socket = open("localhost")) {
      assertThat(serial(socket)).isEqualTo(localhost.certificate().getSerialNumber());
      assertThat(exchange(socket)).startsWith("HTTP/1.1 200");
    }
    try (SSLSocket socket = open("api.test")) {
      assertThat(serial(socket)).isEqualTo(api.certificate().getSerialNumber());
    }
    assertThat(gateway.metric(APPLIED)).isZero();

    write("api.key", api.pkcs8KeyPem());
    write("localhost.key", other.traditionalKeyPem());
    Eventually.untilPasses(() -> {
      try (SSLSocket socket = open("localhost")) {
        assertThat(serial(socket)).isEqualTo(other.certificate().getSerialNumber());
      }
    });
    assertThat(gateway.metric(APPLIED)).isEqualTo(1);
  }

  @Test
  void badPemAtStartIsRefusedNamingTheFileAndWhatWasExpected() throws Exception {
    write("localhost.key", localhost.certificatePem());
    assertThatThrownBy(() -> start(yaml("")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Gateway default/edge listener https: certificate localhost: "
            + dir.resolve("localhost.key") + ": found a CERTIFICATE (expected: a PEM private"
            + " key: PRIVATE KEY (PKCS#8), RSA PRIVATE KEY (PKCS#1), EC PRIVATE KEY (SEC1) or"
            + " ENCRYPTED PRIVATE KEY)");

    write("localhost.key", api.pkcs8KeyPem());
    assertThatThrownBy(() -> start(yaml("")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Gateway default/edge listener https: certificate localhost: "
            + dir.resolve("localhost.key") + ": the EC private key does not match the"
            + " certificate in " + dir.resolve("localhost.pem") + " (subject CN=localhost, RSA"
            + " public key; expected: the key the certificate was issued for)");

    Files.delete(dir.resolve("localhost.key"));
    assertThatThrownBy(() -> start(yaml("")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(dir.resolve("localhost.key")
            + ": no such file (expected: a readable PEM file)");
  }

  @Test
  void smugglingOverTlsIsRefusedBeforeTheDecoder() throws Exception {
    gateway = start(yaml(""));
    int before = USERS.backend().requests().size();
    try (SSLSocket socket = open("localhost")) {
      socket.getOutputStream().write(("POST /users/1 HTTP/1.1\r\nhost: localhost\r\n"
          + "content-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String answer = new String(socket.getInputStream().readAllBytes(),
          StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 400")
          .contains("x-crossgate-error: ambiguous_framing").contains("connection: close");
    }
    assertThat(USERS.backend().requests()).hasSize(before);
  }

  private SSLSocket open(String serverName) throws Exception {
    SSLSocket socket = (SSLSocket) ca.trustingContext().getSocketFactory()
        .createSocket("127.0.0.1", httpsPort());
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(java.util.List.of(new SNIHostName(serverName)));
    parameters.setApplicationProtocols(new String[] {"http/1.1"});
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }

  private static BigInteger serial(SSLSocket socket) throws Exception {
    return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  /** One keep-alive request on the socket; returns the status line. */
  private static String exchange(SSLSocket socket) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write("GET /users/1 HTTP/1.1\r\nhost: localhost\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
        StandardCharsets.ISO_8859_1));
    String status = in.readLine();
    int length = 0;
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    char[] body = new char[length];
    int read = 0;
    while (read < length) {
      int n = in.read(body, read, length - read);
      if (n < 0) {
        break;
      }
      read += n;
    }
    return status;
  }
}
