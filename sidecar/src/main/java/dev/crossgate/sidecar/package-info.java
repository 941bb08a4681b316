/** The sidecar: the shared routing core assembled as a mesh proxy beside one app instance. */
package dev.crossgate.sidecar;
