/** Whole-bundle validation of policy resources: schema rules, references and route conflicts. */
package dev.crossgate.policy.validation;
