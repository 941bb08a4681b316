/** gRPC routing: matching a call's service and method, as {@code GRPCRoute} rules describe. */
package dev.crossgate.routing.grpc;
