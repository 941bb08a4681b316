/** One JSON access-log line per request, written by a background thread off the request path. */
package dev.crossgate.routing.accesslog;
