/** The ingress gateway: the routing core assembled with edge listeners, admin port and reload. */
package dev.crossgate.gateway;
