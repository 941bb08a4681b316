/** CEL conditions of authorization policies: compiled and type-checked once, evaluated many times. */
package dev.crossgate.policy.cel;
