package dev.crossgate.policy.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Blocks of consecutive free loopback ports below the ephemeral range, for JGroups stacks whose
 * ports are listed up front (TCPPING) or derived from another port (FD_SOCK2's offset).
 */
public final class FreePorts {

  private FreePorts() {}

  /** {@code count} consecutive ports, all free when this returns. */
  public static int[] block(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20_000 + ThreadLocalRandom.current().nextInt(10_000);
      if (allFree(base, count)) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
          ports[i] = base + i;
        }
        return ports;
      }
    }
    throw new IllegalStateException("no block of " + count + " free ports in 20000..30000");
  }

  private static boolean allFree(int base, int count) {
    for (int port = base; port < base + count; port++) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
