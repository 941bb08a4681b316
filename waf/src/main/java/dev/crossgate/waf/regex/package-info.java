/** Regular expressions in linear time (RE2/J) with a step-bounded java.util.regex fallback. */
package dev.crossgate.waf.regex;
