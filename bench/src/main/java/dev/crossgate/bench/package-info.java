/** JMH micro-benchmarks of the data-plane hot paths: route matching and load balancing. */
package dev.crossgate.bench;
