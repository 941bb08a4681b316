package dev.crossgate.waf.rule;

/**
 * A non-disruptive action executed when a rule matches ({@code setvar}, {@code ctl}, {@code setenv}...).
 *
 * @param name action name in lower case
 * @param value action argument (quotes removed), may be null
 */
public record RuleAction(String name, String value) {
}
