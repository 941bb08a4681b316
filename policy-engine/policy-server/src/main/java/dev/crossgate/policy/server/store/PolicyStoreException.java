package dev.crossgate.policy.server.store;

/** Why a store operation was refused; subclasses say which way. */
public abstract class PolicyStoreException extends RuntimeException {

  PolicyStoreException(String message) {
    super(message, null, false, false);
  }
}
