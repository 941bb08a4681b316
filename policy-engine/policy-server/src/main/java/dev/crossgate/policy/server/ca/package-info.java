/** The mesh certificate authority: the root CA, join tokens and certificates issued from CSRs. */
package dev.crossgate.policy.server.ca;
