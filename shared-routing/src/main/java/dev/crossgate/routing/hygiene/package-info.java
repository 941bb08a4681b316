/** Request limits and protocol hygiene: smuggling checks, header/body limits, connection guards. */
package dev.crossgate.routing.hygiene;
