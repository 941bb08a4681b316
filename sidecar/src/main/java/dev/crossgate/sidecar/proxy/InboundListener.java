package dev.crossgate.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import dev.crossgate.routing.error.ErrorResponder;
import dev.crossgate.routing.mesh.PeerIdentity;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.sidecar.inbound.InboundGate;
import dev.crossgate.sidecar.inbound.InboundPolicy;
import dev.crossgate.sidecar.traffic.CallerNames;
import dev.crossgate.sidecar.traffic.TrafficRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SSLEngineOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound port: callers' sidecars connect here with mutual TLS; the request goes to the local
 * app with the caller's verified SPIFFE id in {@code x-crossgate-peer}. Each connection's first
 * byte says what it is (0x16 opens a TLS handshake), read by {@link FirstBytes} at the head of
 * the connection's own pipeline: TLS gets a TLS 1.3 handler requiring a client certificate from
 * the trust bundle ({@link InboundTls}) and, once the handshake is done, the HTTP setup of a TLS
 * server (h2 or HTTP/1.1 by ALPN); plaintext gets that of a plain server (HTTP/1.1 or h2c). Both
 * on the accepted connection itself ({@link HttpHandover}): no second loopback connection. What each request may do
 * follows the service's {@link InboundPolicy} (its MeshMigration stage: PERMISSIVE or STRICT,
 * authorization audited or enforced; see {@link InboundGate}); every request is counted per
 * caller by the {@link TrafficRecorder}. Requests reach the app through the shared proxy core
 * ({@link LocalApp}: HTTP/1.1, or h2c for HTTP2 and gRPC services). For a {@code protocol: TCP}
 * service the port carries opaque bytes instead: mTLS connections are piped to the app once the
 * caller's certificate verified, plaintext ones too unless the stage is STRICT, each once the
 * service's authorization allowed the connection ({@link
 * dev.crossgate.sidecar.inbound.ConnectionGate}: L4 attributes only; a refused one is closed).
 */
public final class InboundListener {

  private static final Logger LOG = LoggerFactory.getLogger(InboundListener.class);

  private final Vertx vertx;
  private final String bindAddress;
  private final int port;
  private final String appHost;
  private final int appPort;
  private final MeterRegistry registry;
  private final Supplier<InboundPolicy> policy;
  private final TrafficRecorder traffic;
  /**
   * Each open connection's caller: its verified SPIFFE id (mTLS), address and name, read once per
   * connection instead of per request.
   */
  private final Map<HttpConnection, Caller> callers = new ConcurrentHashMap<>();
  /** The counter of mTLS requests per HTTP version. */
  private final Map<HttpVersion, Counter> mtlsRequests = new ConcurrentHashMap<>();
  private volatile MtlsMode mode;
  private InboundGate gate;
  private dev.crossgate.sidecar.inbound.ConnectionGate connectionGate;
  private LocalApp app;
  private HttpServer tls;
  private HttpServer plain;
  private NetServer front;
  private volatile boolean opaque;
  /** Set when the sidecar's drain ends: HTTP/1.1 responses say {@code Connection: close}. */
  private volatile boolean draining;
  /** Connections to the app of an opaque TCP service. */
  private NetClient appTcp;
  private InboundTls inboundTls;
  private ContextInternal context;
  private Handler<NetSocket> tlsHttp;
  private Handler<NetSocket> plainHttp;
  /** The mesh TLS implementation; null: Vert.x's default (the JDK's). */
  private SSLEngineOptions sslEngine;

  public InboundListener(Vertx vertx, String bindAddress, int port, String appHost, int appPort,
      MtlsMode mode, MeterRegistry registry) {
    this(vertx, bindAddress, port, appHost, appPort, mode, registry, () -> InboundPolicy.NONE,
        new TrafficRecorder("default", "unknown", registry));
  }

  /**
   * An inbound port that follows {@code policy} (the service's MeshMigration stage and
   * authorization; {@code mode} applies when the service has no MeshMigration) and counts into
   * {@code traffic}.
   */
  public InboundListener(Vertx vertx, String bindAddress, int port, String appHost, int appPort,
      MtlsMode mode, MeterRegistry registry, Supplier<InboundPolicy> policy,
      TrafficRecorder traffic) {
    this.policy = requireNonNull(policy, "policy");
    this.traffic = requireNonNull(traffic, "traffic");
    this.vertx = requireNonNull(vertx, "vertx");
    this.bindAddress = requireNonNull(bindAddress, "bindAddress");
    this.port = port;
    this.appHost = requireNonNull(appHost, "appHost");
    this.appPort = appPort;
    this.mode = requireNonNull(mode, "mode");
    this.registry = requireNonNull(registry, "registry");
  }

  /** Terminates mTLS with {@code engine} (BoringSSL or the JDK); call before {@link #start}. */
  public InboundListener sslEngine(SSLEngineOptions engine) {
    this.sslEngine = engine;
    return this;
  }

  /** Binds the port with {@code certificate}; answers with the bound port. */
  public Future<Integer> start(WorkloadCertificate certificate) {
    // One context for every server: a connection accepted by the front is served by the HTTP
    // servers' setup on the front's event loop.
    context = ((VertxInternal) vertx).getOrCreateContext();
    Promise<Integer> started = context.promise();
    context.runOnContext(v -> listen(certificate).onComplete(started));
    return started.future();
  }

  private Future<Integer> listen(WorkloadCertificate certificate) {
    app = new LocalApp(vertx, appHost, appPort, registry);
    appTcp = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    inboundTls = new InboundTls(vertx, sslEngine);
    HttpServerOptions tlsOptions = new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setSsl(true).setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(certificate.keyCertOptions())
        .setTrustOptions(certificate.trustOptions())
        .setEnabledSecureTransportProtocols(InboundTls.TLS_1_3)
        .setUseAlpn(true)
        .setSslEngineOptions(sslEngine);
    // The HTTP servers listen on loopback only to have their per-connection setup made; the
    // inbound port's connections are handed to them (HttpHandover), none is relayed.
    return inboundTls.use(certificate, context)
        .compose(v -> vertx.createHttpServer(tlsOptions).requestHandler(this::mtlsRequest)
            .connectionHandler(this::mtlsConnection)
            .listen())
        .compose(server -> {
          tls = server;
          tlsHttp = HttpHandover.of(server);
          return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                  .setTcpNoDelay(true))
              .requestHandler(this::plaintextRequest)
              .connectionHandler(this::plaintextConnection).listen();
        })
        .compose(server -> {
          plain = server;
          plainHttp = HttpHandover.of(server);
          return vertx.createNetServer(new NetServerOptions().setHost(bindAddress).setPort(port)
              .setTcpNoDelay(true)).connectHandler(this::accept).listen();
        })
        .map(server -> {
          front = server;
          gate = new InboundGate(policy, this::mode, server.actualPort());
          connectionGate = new dev.crossgate.sidecar.inbound.ConnectionGate(policy,
              server.actualPort(), registry);
          return server.actualPort();
        });
  }

  /** Uses a renewed certificate for new connections. */
  public Future<Boolean> updateCertificate(WorkloadCertificate certificate) {
    return inboundTls.use(certificate, context)
        .compose(v -> tls.updateSSLOptions(InboundTls.options(certificate)));
  }

  /**
   * Sets the mode used while the service has no MeshMigration (the {@code --mtls-mode}
   * default), for new requests.
   */
  public void mode(MtlsMode mode) {
    this.mode = requireNonNull(mode, "mode");
  }

  /** The default mode, used while the service has no MeshMigration. */
  public MtlsMode mode() {
    return mode;
  }

  /** The mode in force now: the MeshMigration stage's, else {@link #mode()}. */
  public MtlsMode effectiveMode() {
    return policy.get().effectiveMode(mode);
  }

  /** A new connection: its first bytes decide what it is ({@link FirstBytes}). */
  private void accept(NetSocket socket) {
    NetSocketInternal internal = (NetSocketInternal) socket;
    internal.channelHandlerContext().pipeline().addFirst(FirstBytes.NAME,
        new FirstBytes((pipeline, first) -> decide(internal, pipeline, first)));
  }

  private void decide(NetSocketInternal socket, ChannelPipeline pipeline, ByteBuf first) {
    String source = socket.remoteAddress().hostAddress();
    boolean bytes = opaque;
    if (FirstBytes.tlsHello(first)) {
      SslHandler ssl;
      try {
        ssl = inboundTls.newHandler();
      } catch (RuntimeException e) {
        first.release();
        LOG.warn("inbound TLS refused a connection from {}: {}", source, e.toString());
        socket.close();
        return;
      }
      pipeline.addFirst("ssl", ssl);
      ssl.handshakeFuture().addListener(done -> {
        if (done.isSuccess()) {
          // Runs inside the handshake's last read, before any application byte moves on.
          if (bytes) {
            opaqueMtls(socket, source);
          } else {
            tlsHttp.handle(socket);
          }
        } // a failed handshake closes the connection (SslHandler)
      });
      pipeline.fireChannelRead(first);
      return;
    }
    count("plaintext", source);
    if (!bytes) {
      plainHttp.handle(socket);
      pipeline.fireChannelRead(first);
      return;
    }
    if (effectiveMode() == MtlsMode.STRICT) {
      first.release();
      count("plaintext_refused", source);
      socket.close(); // an opaque port cannot answer with an error: STRICT just closes
      return;
    }
    if (!connectionGate.admit(null, source)) {
      first.release();
      socket.close(); // authorization of a plaintext opaque connection (PERMISSIVE)
      return;
    }
    Buffer head = Buffer.buffer(ByteBufUtil.getBytes(first));
    first.release();
    pipeToApp(socket, head);
  }

  /** An mTLS connection to an opaque TCP service: the bytes go to the app, both ways. */
  private void opaqueMtls(NetSocket socket, String source) {
    socket.pause();
    String peer;
    try {
      peer = PeerIdentity.spiffeId(socket.peerCertificates()).orElse("unknown");
    } catch (SSLPeerUnverifiedException e) {
      peer = "unknown";
    }
    count("mtls_tcp", peer);
    if (!connectionGate.admit(peer.equals("unknown") ? null : peer, source)) {
      socket.close(); // right after the handshake: an opaque stream has no status to answer
      return;
    }
    pipeToApp(socket, null);
  }

  /** Pipes {@code socket} to a new connection to the app, {@code head} first when set. */
  private void pipeToApp(NetSocket socket, Buffer head) {
    socket.pause();
    appTcp.connect(appPort, appHost)
        .onSuccess(to -> {
          if (head != null) {
            to.write(head);
          }
          socket.pipeTo(to);
          to.pipeTo(socket);
        })
        .onFailure(e -> {
          LOG.warn("inbound TCP to the app {}:{} failed: {}", appHost, appPort, e.toString());
          socket.close();
        });
  }

  /**
   * One connection's caller, for all its requests.
   *
   * @param peer the verified SPIFFE id (mTLS), or null (plaintext)
   * @param source the caller's address (IP text), or null
   * @param name the caller's name in the counts ({@link CallerNames#of})
   */
  private record Caller(String peer, String source, String name) {

    static Caller of(HttpConnection connection, String peer) {
      var remote = connection.remoteAddress();
      String source = remote == null ? null : remote.hostAddress();
      return new Caller(peer, source, CallerNames.of(peer, source));
    }
  }

  /** An mTLS connection: its caller's SPIFFE id is read once, here, for all its requests. */
  private void mtlsConnection(HttpConnection connection) {
    Caller caller = Caller.of(connection, peerOf(connection));
    callers.put(connection, caller);
    connection.closeHandler(v -> callers.remove(connection));
    count("mtls", caller.peer());
  }

  /** A plaintext connection: its caller's address and name are read once, here. */
  private void plaintextConnection(HttpConnection connection) {
    callers.put(connection, Caller.of(connection, null));
    connection.closeHandler(v -> callers.remove(connection));
  }

  private void mtlsRequest(HttpServerRequest request) {
    HttpVersion version = request.version();
    Counter requests = mtlsRequests.get(version);
    if (requests == null) {
      requests = mtlsRequests.computeIfAbsent(version, v -> Counter.builder(
              "crossgate_sidecar_inbound_mtls_requests")
          .description("Requests that arrived over mutual TLS, by HTTP version (h2 is negotiated "
              + "by ALPN between sidecars)")
          .tag("version", v.alpnName()).register(registry));
    }
    requests.increment();
    HttpConnection connection = request.connection();
    Caller caller = callers.get(connection);
    handle(request, caller != null ? caller : Caller.of(connection, peerOf(connection)));
  }

  private void plaintextRequest(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    Caller caller = callers.get(connection);
    handle(request, caller != null ? caller : Caller.of(connection, null));
  }

  private void handle(HttpServerRequest request, Caller caller) {
    long start = System.nanoTime();
    String peer = caller.peer();
    String source = caller.source();
    InboundGate.Admission admission = gate.admit(request, peer, source);
    if (request.version() != HttpVersion.HTTP_2) {
      request.response().headersEndHandler(new CloseWhenDraining(request.response()));
    }
    // The body end, not the end: the proxy core owns the response's end handler.
    request.response().bodyEndHandler(new Recording(request, caller, admission, start));
    if (admission.refusal() != null) {
      if (admission.outcome() == TrafficRecorder.Outcome.REFUSED_PLAINTEXT) {
        count("plaintext_refused", source == null ? "unknown" : source);
      }
      ErrorResponder.send(request.response(), admission.refusal(), null, null,
          request.getHeader("content-type"));
      return;
    }
    forward(request, peer);
  }

  /**
   * Adds {@code Connection: close} to an HTTP/1.1 response whose head is written while the
   * sidecar drains (its request may have arrived before), so the caller does not reuse the
   * connection.
   */
  private final class CloseWhenDraining implements Handler<Void> {
    private final io.vertx.core.http.HttpServerResponse response;

    CloseWhenDraining(io.vertx.core.http.HttpServerResponse response) {
      this.response = response;
    }

    @Override
    public void handle(Void head) {
      if (draining) {
        response.putHeader(io.vertx.core.http.HttpHeaders.CONNECTION, "close");
      }
    }
  }

  /**
   * Counts one request when its response's body has ended. A class, not a capturing lambda: the
   * sidecar runs C1-compiled code, where a capturing lambda is allocated through a method handle
   * (a runtime call, {@code Unsafe.allocateInstance}) instead of an inline allocation.
   */
  private final class Recording implements Handler<Void> {
    private final HttpServerRequest request;
    private final Caller caller;
    private final InboundGate.Admission admission;
    private final long start;

    Recording(HttpServerRequest request, Caller caller, InboundGate.Admission admission,
        long start) {
      this.request = request;
      this.caller = caller;
      this.admission = admission;
      this.start = start;
    }

    @Override
    public void handle(Void ended) {
      traffic.record(caller.name(), caller.peer() != null, admission.outcome(),
          admission.policy(), request.response().getStatusCode(), System.nanoTime() - start);
    }
  }

  private void forward(HttpServerRequest request, String peer) {
    // Only the sidecar may say who the caller is.
    request.headers().remove(ProxyProblems.PEER_HEADER);
    if (peer != null) {
      request.headers().set(ProxyProblems.PEER_HEADER, peer);
    }
    app.forward(request);
  }

  /**
   * Speaks {@code protocol} to the app from the next request on: its {@code Service}'s
   * {@code spec.protocol} (h2c for {@code HTTP2} and {@code GRPC}).
   */
  public void appProtocol(dev.crossgate.routing.upstream.BackendProtocol protocol) {
    opaque = protocol == dev.crossgate.routing.upstream.BackendProtocol.TCP;
    if (app != null) {
      app.protocol(protocol);
    }
  }

  private static String peerOf(HttpConnection connection) {
    try {
      return PeerIdentity.spiffeId(connection.peerCertificates()).orElse("unknown");
    } catch (SSLPeerUnverifiedException e) {
      return "unknown";
    }
  }

  private void count(String transport, String peer) {
    Counter.builder("crossgate_sidecar_inbound_connections")
        .description("Inbound connections by transport and caller (SPIFFE id or address)")
        .tag("transport", transport).tag("peer", peer)
        .register(registry).increment();
  }

  /** The bound port. */
  public int port() {
    return front.actualPort();
  }

  /**
   * The end of a drain: stops accepting new connections at once and shuts the open ones down
   * gracefully — HTTP/2 callers get a GOAWAY, HTTP/1.1 responses from now on say
   * {@code Connection: close} — each closing once its requests in flight have ended; what is
   * still open after {@code settle} is closed. Completes when every connection is closed.
   * {@link #close()} still follows.
   */
  public Future<Void> drain(java.time.Duration settle) {
    requireNonNull(settle, "settle");
    draining = true;
    // Every inbound connection is accepted by the front (and handed to an HTTP server): its
    // graceful shutdown reaches each connection's HTTP handling.
    return front == null ? Future.succeededFuture()
        : front.shutdown(Math.max(1, settle.toMillis()),
            java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Stops accepting and closes the app client. */
  public Future<Void> close() {
    return Future.join(front == null ? Future.succeededFuture() : front.close(),
            tls == null ? Future.succeededFuture() : tls.close(),
            plain == null ? Future.succeededFuture() : plain.close(),
            appTcp == null ? Future.succeededFuture() : appTcp.close())
        .compose(v -> app == null ? Future.succeededFuture() : app.close())
        .mapEmpty();
  }

}
