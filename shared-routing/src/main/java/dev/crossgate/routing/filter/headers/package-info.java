/** The Gateway API RequestHeaderModifier and ResponseHeaderModifier filters. */
package dev.crossgate.routing.filter.headers;
