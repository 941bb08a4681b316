/** A SecLang (ModSecurity rule language) engine that runs the OWASP Core Rule Set unchanged. */
package dev.crossgate.waf;
