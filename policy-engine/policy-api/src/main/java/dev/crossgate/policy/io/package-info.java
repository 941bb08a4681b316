/** File writes the control and data planes share: whole files replaced atomically. */
package dev.crossgate.policy.io;
