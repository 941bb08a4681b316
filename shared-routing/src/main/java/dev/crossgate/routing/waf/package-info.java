/** The WAF in the request path: WafPolicy compiled into shared rule sets and a filter. */
package dev.crossgate.routing.waf;
