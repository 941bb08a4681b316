/** The compiled, immutable rule model: rules, targets, actions, rule sets. */
package dev.crossgate.waf.rule;
