/** Reading policy YAML/JSON into a {@code PolicyBundle}, with precise, line-numbered problems. */
package dev.crossgate.policy.codec;
