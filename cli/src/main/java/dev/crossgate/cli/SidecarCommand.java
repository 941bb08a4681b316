package dev.crossgate.cli;

import dev.crossgate.sidecar.SidecarOptions;
import dev.crossgate.sidecar.SidecarServer;
import dev.crossgate.sidecar.proxy.MtlsMode;
import dev.crossgate.sidecar.tls.TlsEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code crossgate sidecar}: runs a mesh sidecar beside one app instance, or talks to a running
 * one's admin port ({@code --shutdown}, {@code --wait-ready}).
 */
@Command(name = "sidecar",
    mixinStandardHelpOptions = true,
    description = "Run a mesh sidecar beside one app instance: inbound mTLS on 4143 to the app, "
        + "outbound on 4140 for the app's calls, admin on 4191.",
    footer = {"", "Examples:",
        "  crossgate sidecar --service reviews --namespace shop --app-port 9080 \\",
        "      --control-plane 127.0.0.1:9081 --join-token \"$TOKEN\"",
        "  crossgate sidecar --wait-ready --timeout 30s   # before starting the app",
        "  crossgate sidecar --shutdown                   # when a job is done"})
final class SidecarCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--service", paramLabel = "NAME", defaultValue = "${env:CROSSGATE_SERVICE}",
      description = "The app's service name (env CROSSGATE_SERVICE).")
  String service;

  @Option(names = "--namespace", paramLabel = "NAME",
      defaultValue = "${env:CROSSGATE_NAMESPACE:-default}",
      description = "The app's namespace; default ${DEFAULT-VALUE} (env CROSSGATE_NAMESPACE).")
  String namespace;

  @Option(names = "--app-port", paramLabel = "PORT", defaultValue = "${env:CROSSGATE_APP_PORT}",
      description = "The port the app listens on, on 127.0.0.1 (env CROSSGATE_APP_PORT).")
  Integer appPort;

  @Option(names = "--control-plane", paramLabel = "HOST:PORT",
      defaultValue = "${env:CROSSGATE_CONTROL_PLANE:-127.0.0.1:9081}",
      description = "The policy engine's distribution port; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_CONTROL_PLANE).")
  String controlPlane;

  @Option(names = "--join-token", paramLabel = "TOKEN",
      defaultValue = "${env:CROSSGATE_JOIN_TOKEN}",
      description = "From 'crossgate token create' (env CROSSGATE_JOIN_TOKEN).")
  String joinToken;

  @Option(names = "--inbound-port", paramLabel = "PORT", defaultValue = "4143",
      description = "Inbound mTLS port; default ${DEFAULT-VALUE}.")
  int inboundPort;

  @Option(names = "--outbound-port", paramLabel = "PORT", defaultValue = "4140",
      description = "Outbound port the app calls; default ${DEFAULT-VALUE}.")
  int outboundPort;

  @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "4191",
      description = "Admin port; default ${DEFAULT-VALUE}.")
  int adminPort;

  @Option(names = "--admin-address", paramLabel = "IP", defaultValue = "127.0.0.1",
      description = "Admin port bind address; default ${DEFAULT-VALUE} (0.0.0.0 in a pod, so "
          + "the kubelet's probes reach /ready; /shutdown still answers only local callers).")
  String adminAddress;

  @Option(names = "--advertise-address", paramLabel = "ADDRESS",
      defaultValue = "${env:CROSSGATE_ADVERTISE_ADDRESS}",
      description = "The address other sidecars reach this one's inbound port at, registered "
          + "with the engine once ready; default: this host's first non-loopback IPv4 address "
          + "(in a pod, pass $(POD_IP)) (env CROSSGATE_ADVERTISE_ADDRESS).")
  String advertiseAddress;

  @Option(names = "--state-dir", paramLabel = "DIR",
      defaultValue = "${env:CROSSGATE_STATE_DIR:-.crossgate}",
      description = "Keeps the last-known-good snapshot and the certificate (owner-only) in "
          + "DIR/sidecar/<namespace>.<service>, to start while the engine is unreachable; "
          + "default ${DEFAULT-VALUE} (env CROSSGATE_STATE_DIR).")
  Path stateDir;

  @Option(names = "--drain-period", paramLabel = "DURATION", defaultValue = "2s",
      description = "On shutdown (SIGTERM, --shutdown), the longest the sidecar keeps serving "
          + "after leaving its service's endpoint set, until the engine confirms every caller "
          + "applied the smaller set; default ${DEFAULT-VALUE}.")
  Duration drainPeriod;

  @Option(names = "--mtls-mode", paramLabel = "MODE", defaultValue = "PERMISSIVE",
      description = "PERMISSIVE (mTLS and plaintext) or STRICT (mTLS only); default ${DEFAULT-VALUE}.")
  MtlsMode mtlsMode;

  @Option(names = "--tls-engine", paramLabel = "ENGINE",
      defaultValue = "${sys:crossgate.sidecar.tls-engine}",
      description = "The mesh TLS implementation: openssl (BoringSSL) or jdk (the JDK's "
          + "SSLEngine); default openssl when BoringSSL loads, else jdk "
          + "(also -Dcrossgate.sidecar.tls-engine).")
  String tlsEngine;

  @Option(names = "--shutdown",
      description = "Ask the sidecar on --admin-port to shut down, then exit.")
  boolean shutdown;

  @Option(names = "--wait-ready",
      description = "Wait until the sidecar on --admin-port is ready (certificate and snapshot), "
          + "then exit 0; exit 3 after --timeout.")
  boolean waitReady;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "How long --wait-ready waits; default ${DEFAULT-VALUE}.")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (shutdown && waitReady) {
      throw new ParameterException(spec.commandLine(),
          "--shutdown and --wait-ready: both given (expected: one)");
    }
    if (shutdown) {
      return shutdown(err);
    }
    if (waitReady) {
      return waitReady(err);
    }
    return run(options(), err);
  }

  /** Starts the sidecar with {@code options} and waits until it is shut down. */
  int run(SidecarOptions options, PrintWriter err) throws InterruptedException {
    SidecarServer server;
    try {
      server = SidecarServer.start(options);
    } catch (IllegalStateException e) {
      err.println("crossgate: the sidecar did not start: " + e.getMessage());
      err.flush();
      return ExitCodes.START_FAILED;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "crossgate-sidecar-stop"));
    err.printf("crossgate: sidecar for %s/%s: inbound %d, outbound %d, admin http://127.0.0.1:%d%n",
        namespace, service, server.inboundPort(), server.outboundPort(), server.adminPort());
    err.flush();
    server.awaitShutdown();
    return ExitCodes.OK;
  }

  /**
   * The sidecar's options from the fields. Throws picocli's ParameterException when they are
   * wrong, or IllegalArgumentException when picocli did not set them ({@link SidecarArgs}).
   */
  SidecarOptions options() {
    if (service == null || service.isBlank()) {
      throw parameterError("Missing required option: '--service=NAME'");
    }
    if (appPort == null) {
      throw parameterError("Missing required option: '--app-port=PORT'");
    }
    try {
      return SidecarOptions.of(service, namespace, appPort, controlPlane, joinToken)
          .withPorts(inboundPort, outboundPort, adminPort)
          .withAdminAddress(adminAddress)
          .withMtlsMode(mtlsMode)
          .withAdvertiseAddress(advertiseAddress)
          .withStateDir(stateDir.resolve("sidecar").resolve(namespace + "." + service))
          .withDrainPeriod(drainPeriod)
          .withTlsEngine(tlsEngine == null ? null : TlsEngine.parse("--tls-engine", tlsEngine));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw parameterError(e.getMessage());
    }
  }

  private RuntimeException parameterError(String message) {
    return spec == null ? new IllegalArgumentException(message)
        : new ParameterException(spec.commandLine(), message);
  }

  private int shutdown(PrintWriter err) throws InterruptedException {
    try {
      HttpResponse<String> response = admin().send(HttpRequest.newBuilder(adminUri("/shutdown"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      err.println("crossgate: sidecar on admin port " + adminPort + ": " + response.body().strip());
      return response.statusCode() == 202 ? ExitCodes.OK : ExitCodes.API_ERROR;
    } catch (IOException e) {
      err.println("crossgate: no sidecar admin port at 127.0.0.1:" + adminPort + " ("
          + e.getClass().getSimpleName() + ")");
      return ExitCodes.UNREACHABLE;
    } finally {
      err.flush();
    }
  }

  private int waitReady(PrintWriter err) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpClient client = admin();
    String last = "not reachable";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(adminUri("/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return ExitCodes.OK;
        }
        last = response.body().strip();
      } catch (ConnectException e) {
        last = "not reachable";
      } catch (IOException e) {
        last = e.getClass().getSimpleName();
      }
      Thread.sleep(100);
    }
    err.println("crossgate: the sidecar on admin port " + adminPort + " is not ready after "
        + timeout.toSeconds() + " s (" + last + ")");
    err.flush();
    return ExitCodes.START_FAILED;
  }

  private static HttpClient admin() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
  }

  private URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + adminPort + path);
  }
}
