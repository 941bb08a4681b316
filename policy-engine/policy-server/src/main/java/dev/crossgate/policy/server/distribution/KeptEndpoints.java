package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.server.distribution.MeshEndpointMemory.Remembered;
import java.util.List;
import java.util.OptionalLong;

/**
 * The mesh endpoints other engines of a cluster keep now (remembered from before their start,
 * or handed over by an engine that stopped), read in one pass over the node book.
 *
 * @param endpoints those whose time has not passed
 * @param until when the earliest of them ends (epoch ms); empty when none is kept
 */
record KeptEndpoints(List<Remembered> endpoints, OptionalLong until) {

  /** Nothing kept. */
  static final KeptEndpoints NONE = new KeptEndpoints(List.of(), OptionalLong.empty());
}
