package dev.crossgate.cli;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;

/**
 * Started by {@link SidecarLauncherTest} in a JVM with the launcher's sidecar flags: prints the
 * allocator Vert.x gives its channels ({@code allocator=<class>}) and, when it is Netty's pooled
 * one, its chunk size and number of direct arenas.
 */
public final class SidecarAllocatorProbe {

  private SidecarAllocatorProbe() {
  }

  /** Prints one line, e.g. {@code allocator=PooledByteBufAllocator chunk=524288 directArenas=1}. */
  public static void main(String[] args) {
    ByteBufAllocator allocator = VertxByteBufAllocator.POOLED_ALLOCATOR;
    StringBuilder line = new StringBuilder("allocator=").append(allocator.getClass().getSimpleName());
    if (allocator instanceof PooledByteBufAllocator pooled) {
      line.append(" chunk=").append(pooled.metric().chunkSize())
          .append(" directArenas=").append(pooled.metric().numDirectArenas());
    }
    System.out.println(line);
  }
}
