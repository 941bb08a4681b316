/** Per-transaction evaluation of a compiled rule set: collections, phases, macros, actions. */
package dev.crossgate.waf.engine;
