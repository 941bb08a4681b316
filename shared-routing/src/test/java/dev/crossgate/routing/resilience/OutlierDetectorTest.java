package dev.crossgate.routing.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.lb.LoadBalancers;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Outlier ejection lengths and the multiplier's decay, on a clock the test moves by hand. */
class OutlierDetectorTest {

  private static final Duration BASE = Duration.ofSeconds(10);
  private static final Duration INTERVAL = Duration.ofSeconds(5);

  private final AtomicLong clock = new AtomicLong(-1_000_000_000_000L); // nanoTime may be < 0
  private final UpstreamEndpoint a = UpstreamEndpoint.of("127.0.0.1", 1001);
  private final UpstreamEndpoint b = UpstreamEndpoint.of("127.0.0.1", 1002);
  private final BackendResilience owner =
      BackendResilience.none("shop/svc", LoadBalancers.create(null, List.of(a, b)));
  private final List<Duration> ejections = new ArrayList<>();

  private OutlierDetector detector(int maxEjectionPercent, Duration base) {
    owner.events(new ResilienceEvents() {
      @Override
      public void ejected(String backend, String endpoint, Duration duration, String cause) {
        ejections.add(duration);
      }
    });
    return new OutlierDetector("shop/svc",
        new OutlierDetector.Settings(5, 1, base, maxEjectionPercent, INTERVAL),
        List.of(a, b), owner::health, owner, clock::get);
  }

  private void advance(Duration by) {
    clock.addAndGet(by.toNanos());
  }

  private boolean ejected(UpstreamEndpoint endpoint) {
    return owner.health(endpoint).ejected(clock.get());
  }

  @Test
  void anEjectionEndsWhenItsTimeIsUp() {
    OutlierDetector detector = detector(50, BASE);

    detector.onGatewayError(a);
    assertThat(ejected(a)).isTrue();
    assertThat(detector.ejectedCount()).isOne();
    advance(BASE.minusNanos(1));
    assertThat(ejected(a)).isTrue();
    advance(Duration.ofNanos(1));
    assertThat(ejected(a)).isFalse();
    assertThat(detector.ejectedCount()).isZero();
    assertThat(ejections).containsExactly(BASE);
  }

  @Test
  void aRepeatOffenderStaysOutLongerUntilItStaysHealthyForIntervals() {
    OutlierDetector detector = detector(50, BASE);

    detector.onGatewayError(a); // multiplier 1: 10 s
    advance(BASE);
    detector.onGatewayError(a); // back and failing at once: multiplier 2, 20 s
    advance(BASE.multipliedBy(2));
    assertThat(ejected(a)).isFalse();
    advance(INTERVAL.minusNanos(1)); // not yet a full interval back
    assertThat(detector.multiplier(a)).isEqualTo(2);
    detector.onGatewayError(a); // multiplier 3: 30 s
    assertThat(ejections).containsExactly(BASE, BASE.multipliedBy(2), BASE.multipliedBy(3));

    advance(BASE.multipliedBy(3));
    advance(INTERVAL); // one full interval healthy: 3 -> 2
    assertThat(detector.multiplier(a)).isEqualTo(2);
    advance(INTERVAL.multipliedBy(2).minusNanos(1)); // 2.99 intervals: 2 -> 1
    assertThat(detector.multiplier(a)).isOne();
    advance(Duration.ofNanos(1)); // three: 1 -> 0
    assertThat(detector.multiplier(a)).isZero();
    advance(INTERVAL.multipliedBy(100)); // never below zero
    assertThat(detector.multiplier(a)).isZero();

    detector.onGatewayError(a); // starts over at the base time
    assertThat(ejections).last().isEqualTo(BASE);
  }

  @Test
  void theMultiplierDoesNotDecayWhileEjected() {
    OutlierDetector detector = detector(50, BASE);

    detector.onGatewayError(a);
    advance(BASE.minusNanos(1)); // two intervals pass, all of them ejected
    assertThat(detector.multiplier(a)).isOne();
    advance(Duration.ofNanos(1));
    detector.onGatewayError(a);
    assertThat(ejections).containsExactly(BASE, BASE.multipliedBy(2));
  }

  @Test
  void ejectionsAreCappedAtFiveMinutesOrTheBaseTime() {
    OutlierDetector detector = detector(50, Duration.ofMinutes(2));

    detector.onGatewayError(a);
    advance(Duration.ofMinutes(2));
    detector.onGatewayError(a);
    advance(Duration.ofMinutes(4));
    detector.onGatewayError(a);
    assertThat(ejections).containsExactly(Duration.ofMinutes(2), Duration.ofMinutes(4),
        Duration.ofMinutes(5));
    assertThat(new OutlierDetector.Settings(5, 5, Duration.ofMinutes(10), 10, INTERVAL)
        .maxEjection()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void neverMoreThanTheAllowedShareIsEjected() {
    OutlierDetector detector = detector(10, BASE); // 10 % of 2 endpoints: still one

    detector.onGatewayError(a);
    detector.onGatewayError(b);
    assertThat(ejected(a)).isTrue();
    assertThat(ejected(b)).isFalse();
    assertThat(detector.ejectedCount()).isOne();
    assertThat(detector.multiplier(b)).isZero();
  }
}
