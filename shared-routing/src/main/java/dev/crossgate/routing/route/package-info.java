/** The route table: host, path, method, header and query matching with Gateway API precedence. */
package dev.crossgate.routing.route;
