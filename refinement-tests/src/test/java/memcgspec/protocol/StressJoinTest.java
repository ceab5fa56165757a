package memcgspec.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Stress.join's limits: a spinning thread is caught by its CPU time, a blocked one by the clock. */
class StressJoinTest {
    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aThreadThatSpinsIsCaughtByItsCpuTime() {
        AtomicBoolean stop = new AtomicBoolean();
        Thread spin = daemon(() -> { long x = 0; while (!stop.get()) x++; }, "spinner");
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> Stress.join(List.of(spin), "spin", 1, 120));
            assertTrue(e.getMessage().contains("spinner used") || e.getMessage().contains("on the clock"), e.getMessage());
            assertTrue(e.getMessage().contains("StressJoinTest"), "the stuck thread's stack is in the report: " + e.getMessage());
        } finally {
            stop.set(true);
        }
    }

    @Test
    void aThreadThatBlocksIsCaughtByTheClock() {
        CountDownLatch never = new CountDownLatch(1);
        Thread blocked = daemon(() -> { try { never.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); } }, "blocked");
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> Stress.join(List.of(blocked), "block", 60, 2));
            assertTrue(e.getMessage().contains("on the clock"), e.getMessage());
        } finally {
            never.countDown();
        }
    }

    @Test
    void threadsThatFinishJoinQuietly() {
        Thread a = daemon(() -> {}, "a");
        Thread b = daemon(() -> {}, "b");
        assertDoesNotThrow(() -> Stress.join(List.of(a, b), "quick", 1, 2));
    }
}
