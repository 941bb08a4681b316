package dev.crossgate.policy.model;

/**
 * A Gateway API policy attachment: the resource a policy applies to, in the policy's namespace.
 *
 * @param group the target's API group; optional ({@code gateway.networking.k8s.io} for
 *     Gateway API kinds, {@code crossgate.dev} or empty for {@code Service})
 * @param kind the target kind
 * @param name the target name
 * @param sectionName for a {@code Gateway}, one listener of it; optional
 */
public record TargetRef(
    @Doc(
            value = "The target's API group; optional.",
            allowed = {"", "gateway.networking.k8s.io", "crossgate.dev"})
        String group,
    @Doc(value = "The target kind.", allowed = {"Gateway", "HTTPRoute", "GRPCRoute", "Service"})
        String kind,
    @Doc("The target name, in the policy's namespace.") String name,
    @Doc("For a Gateway: one of its listeners; the whole gateway when omitted.")
        String sectionName) {}
