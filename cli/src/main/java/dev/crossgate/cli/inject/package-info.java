/** Sidecar injection: adding the Crossgate sidecar and its capture to Kubernetes manifests. */
package dev.crossgate.cli.inject;
