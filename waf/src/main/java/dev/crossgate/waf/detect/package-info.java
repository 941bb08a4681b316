/** SQL injection and XSS detectors modelled on libinjection's public design. */
package dev.crossgate.waf.detect;
