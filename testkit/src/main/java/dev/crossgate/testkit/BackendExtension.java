package dev.crossgate.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension owning one {@link TestBackend}: started before all tests of the class,
 * reset to echoing before each test, closed after all.
 *
 * <pre>{@code
 * @RegisterExtension static final BackendExtension users = new BackendExtension("users");
 * ... users.port() ...
 * }</pre>
 */
public final class BackendExtension implements BeforeAllCallback, BeforeEachCallback,
    AfterAllCallback {

  private final String name;
  private TestBackend backend;

  /** An extension for a backend that reports {@code name} in its echoes. */
  public BackendExtension(String name) {
    this.name = name;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    backend = TestBackend.start(name);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    backend.reset();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    backend.close();
  }

  /** The running backend. */
  public TestBackend backend() {
    return backend;
  }

  /** The backend's bound port. */
  public int port() {
    return backend.port();
  }
}
