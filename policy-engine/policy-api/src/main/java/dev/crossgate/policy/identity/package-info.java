/** The mesh identity protocol: service names, codecs and a client for certificates and trust bundles. */
package dev.crossgate.policy.identity;
