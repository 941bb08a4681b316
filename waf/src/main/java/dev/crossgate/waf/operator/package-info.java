/** SecLang operators such as @rx, @pm, @detectSQLi and the numeric comparisons. */
package dev.crossgate.waf.operator;
