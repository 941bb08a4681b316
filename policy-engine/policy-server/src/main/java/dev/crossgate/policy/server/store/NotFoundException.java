package dev.crossgate.policy.server.store;

/** A resource or revision does not exist; nothing was written. */
public final class NotFoundException extends PolicyStoreException {

  public NotFoundException(String what) {
    super(what + ": not found");
  }
}
