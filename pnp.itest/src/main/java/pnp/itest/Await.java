package pnp.itest;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;

/** Waits, within a bound, for something the framework does on its own threads. */
final class Await {

    private Await() {
    }

    static void until(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(condition.get())) {
                return;
            }
            Thread.sleep(50);
        }
        fail("still not true after 20 s: " + what);
    }
}
