/** The evidence for each migration step: nodes' traffic reports, windows around each MeshMigration change, and a verdict. */
package dev.crossgate.policy.server.migration;
