package org.crl4j.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.crl4j.rl.Trainer;

/**
 * Ctrl-C or SIGTERM while a trainer runs: asks it to stop at the next training step and holds the JVM's exit until
 * {@link #close} says its state is saved (at most 300 s). Used as {@code try (var stop = StopSavesFirst.install(t))}
 * around the training and the save.
 */
final class StopSavesFirst implements AutoCloseable {
    private final CountDownLatch saved = new CountDownLatch(1);
    private final Thread hook;

    private StopSavesFirst(Trainer trainer, String name) {
        hook = new Thread(() -> {
            trainer.requestStop();
            try {
                saved.await(300, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static StopSavesFirst install(Trainer trainer, String name) {
        return new StopSavesFirst(trainer, name);
    }

    /** The state is saved (or the run ended): the JVM may exit. */
    @Override
    public void close() {
        saved.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running, and returns now
        }
    }
}
