/** Replays the OWASP CRS regression suites through the engine and reports pass rates. */
package dev.crossgate.waf.conformance;
