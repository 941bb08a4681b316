/** Load balancing: endpoints with live load and latency stats, and the balancers that pick one. */
package dev.crossgate.routing.lb;
