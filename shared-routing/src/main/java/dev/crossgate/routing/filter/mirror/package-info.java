/** The Gateway API RequestMirror filter: fire-and-forget copies of requests to another backend. */
package dev.crossgate.routing.filter.mirror;
