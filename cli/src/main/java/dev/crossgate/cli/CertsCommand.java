package dev.crossgate.cli;

import dev.crossgate.routing.tls.DevCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crossgate certs}: certificates for local development. */
@Command(name = "certs",
    mixinStandardHelpOptions = true,
    description = "Certificates for local development.",
    subcommands = {CertsCommand.Dev.class},
    footer = {"", "Example:", "  crossgate certs dev"})
final class CertsCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code crossgate certs dev}: a development CA and a server certificate for this machine. */
  @Command(name = "dev",
      mixinStandardHelpOptions = true,
      description = "Create a local development CA and a server certificate for localhost, "
          + "127.0.0.1 and ::1 (kept when they already exist and are valid).",
      footer = {"", "Example:", "  crossgate certs dev",
          "  curl --cacert .crossgate/certs/ca.pem https://localhost:8443/catalog/items"})
  static final class Dev implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", paramLabel = "DIR",
        defaultValue = "${env:CROSSGATE_STATE_DIR:-.crossgate}",
        description = "The certificates go to DIR/certs; default ${DEFAULT-VALUE} "
            + "(env CROSSGATE_STATE_DIR).")
    Path stateDir;

    @Option(names = "--name", paramLabel = "NAME",
        description = "A DNS name or IP address for the server certificate (repeatable); "
            + "default localhost, 127.0.0.1, ::1.")
    List<String> names;

    @Option(names = "--force", description = "Replace existing certificates.")
    boolean force;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<String> wanted = names == null || names.isEmpty() ? DevCertificates.LOCAL_NAMES : names;
      DevCertificates.CertificateFiles files;
      try {
        files = DevCertificates.ensure(dir(stateDir), wanted, force);
      } catch (IOException | RuntimeException e) {
        err.println("crossgate: cannot write the development certificates to " + dir(stateDir)
            + ": " + e.getMessage());
        err.flush();
        return ExitCodes.START_FAILED;
      }
      out.println(describe(files, wanted));
      out.flush();
      return 0;
    }
  }

  /** Where the development certificates of a state folder live. */
  static Path dir(Path stateDir) {
    return stateDir.resolve("certs");
  }

  static String describe(DevCertificates.CertificateFiles files, List<String> names) {
    return String.join("\n",
        (files.created() ? "Created" : "Kept the existing")
            + " development certificates (development only: the CA key is beside them):",
        "  CA certificate      " + files.caCertificate(),
        "  CA key              " + files.caKey() + "   (owner-only)",
        "  server certificate  " + files.serverCertificate() + "   for " + String.join(", ",
            names),
        "  server key          " + files.serverKey() + "   (owner-only)",
        "",
        "Trust the CA:",
        "  curl --cacert " + files.caCertificate() + " https://localhost:8443/",
        "  Debian/Ubuntu: sudo cp " + files.caCertificate()
            + " /usr/local/share/ca-certificates/crossgate-dev.crt && sudo update-ca-certificates",
        "  macOS: sudo security add-trusted-cert -d -r trustRoot -k"
            + " /Library/Keychains/System.keychain " + files.caCertificate(),
        "  Java: keytool -importcert -cacerts -alias crossgate-dev -file "
            + files.caCertificate(),
        "Use them on a listener:",
        "  tls: {certificateRefs: [{name: dev, certificateFile: " + files.serverCertificate()
            + ", keyFile: " + files.serverKey() + "}]}");
  }

}
