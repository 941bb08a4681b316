package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.tls.CertificateSource;
import dev.crossgate.routing.tls.CertifiedKey;
import dev.crossgate.routing.tls.PemReader;
import dev.crossgate.routing.tls.PemText;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code crossgate certs dev}: a CA and a server certificate for this machine, keys 0600. */
class CertsCommandTest {

  @TempDir Path dir;

  private String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine command = CrossgateCommand.commandLine();
    command.setOut(new PrintWriter(out));
    assertThat(command.execute(args)).isZero();
    return out.toString();
  }

  @Test
  void createsACaAndALocalhostCertificateAndKeepsThemOnTheNextRun() throws Exception {
    String first = run("certs", "dev", "--state-dir", dir.toString());
    Path certs = dir.resolve("certs");
    assertThat(first).startsWith("Created development certificates")
        .contains(certs.resolve("ca.pem").toString()).contains("curl --cacert");
    for (String key : List.of("ca.key", "server.key")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve(key))))
          .as(key).isEqualTo("rw-------");
    }
    CertifiedKey server = CertificateSource.files("server", certs.resolve("server.pem"),
        certs.resolve("server.key")).load();
    assertThat(server.hostnames()).containsExactly("localhost");
    assertThat(server.leaf().getSubjectAlternativeNames())
        .extracting(san -> san.get(1).toString())
        .contains("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    X509Certificate ca = PemReader.certificates(PemText.read(certs.resolve("ca.pem"))).get(0);
    server.leaf().verify(ca.getPublicKey());
    assertThat(server.chain()).hasSize(2);

    String second = run("certs", "dev", "--state-dir", dir.toString());
    assertThat(second).startsWith("Kept the existing development certificates");
    assertThat(CertificateSource.files("server", certs.resolve("server.pem"),
        certs.resolve("server.key")).load().leaf()).isEqualTo(server.leaf());

    String forced = run("certs", "dev", "--state-dir", dir.toString(), "--force", "--name",
        "dev.test");
    assertThat(forced).startsWith("Created").contains("for dev.test");
    assertThat(CertificateSource.files("server", certs.resolve("server.pem"),
        certs.resolve("server.key")).load().hostnames()).containsExactly("dev.test");
  }
}
