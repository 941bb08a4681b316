/** Request body processors: URL-encoded, multipart, JSON and XML. */
package dev.crossgate.waf.body;
