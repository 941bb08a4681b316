package dev.crossgate.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for a sidecar or an app inside a network namespace: listens on every
 * {@code port=tag} argument (all addresses) and answers each connection with its tag and a
 * newline, so a test can tell which listener a connection really reached. Prints
 * {@code listening} once every port is bound.
 */
public final class TaggedListener {

  private TaggedListener() {}

  /** Runs until killed. */
  public static void main(String[] args) throws IOException {
    List<Thread> threads = new ArrayList<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      int port = Integer.parseInt(arg.substring(0, eq));
      byte[] tag = (arg.substring(eq + 1) + "\n").getBytes(StandardCharsets.UTF_8);
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(port));
      Thread thread = new Thread(() -> serve(server, tag), "listener-" + port);
      thread.setDaemon(false);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
    System.out.println("listening");
    System.out.flush();
  }

  private static void serve(ServerSocket server, byte[] tag) {
    while (true) {
      try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
        out.write(tag);
        out.flush();
      } catch (IOException e) {
        System.err.println("accept failed: " + e.getMessage());
        return;
      }
    }
  }
}
