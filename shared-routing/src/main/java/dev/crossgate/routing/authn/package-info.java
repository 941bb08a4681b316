/** JWT request authentication ({@code RequestAuthentication}): token lookup, JWKS, verification. */
package dev.crossgate.routing.authn;
