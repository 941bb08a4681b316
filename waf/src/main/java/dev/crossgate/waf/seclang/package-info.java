/** Parser for SecLang configuration files: directives, rules, actions, variables, Include. */
package dev.crossgate.waf.seclang;
