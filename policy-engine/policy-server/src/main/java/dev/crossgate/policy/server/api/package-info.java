/** The REST policy API under {@code /api/v1}: apply, read, delete, history, diff, rollback and status. */
package dev.crossgate.policy.server.api;
