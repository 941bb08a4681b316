/** gRPC routing: a {@code GRPCRoute} method match as the path match its calls carry. */
package dev.crossgate.routing.grpc;
