/** The policy model: immutable records for every resource kind, shaped like their YAML. */
package dev.crossgate.policy.model;
