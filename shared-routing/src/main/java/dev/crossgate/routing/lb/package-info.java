/** Load balancing: upstream endpoints with live request and latency stats, and the balancers that pick among them. */
package dev.crossgate.routing.lb;
